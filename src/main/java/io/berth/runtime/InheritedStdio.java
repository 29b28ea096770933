package io.berth.runtime;

import java.nio.file.Path;

/**
 * How the OCI command line ({@code berth oci create|run|exec}) wires a process, as runc does:
 * no monitor, no log; the process's stdio are the calling process's own fds 0, 1 and 2, and it
 * is left to the caller's subreaper (conmon, say) once created, unless run in the foreground.
 *
 * @param consoleSocket with process.terminal: the Unix socket that receives the pty master
 *     (SCM_RIGHTS); null for none
 * @param foreground whether the shim stays the process's parent until it exits, passing the
 *     caller's signals on ({@code run}, {@code exec} without {@code --detach})
 */
public record InheritedStdio(Path consoleSocket, boolean foreground) {
}
