package io.berth.runtime;

import java.nio.file.Path;

/**
 * How {@link OciRuntime#create} wires the container's process.
 *
 * @param stdinOpen whether the process gets a stdin pipe fed through {@link Attachment#stdin()};
 *     otherwise its stdin is /dev/null
 * @param logFile where the monitor writes the output in the CRI log format; null for no log
 * @param pidFile where the container's host pid is written once created; null for none
 */
public record CreateOptions(boolean stdinOpen, Path logFile, Path pidFile) {

    /** No stdin, no log file, no pid file. */
    public static CreateOptions defaults() {
        return new CreateOptions(false, null, null);
    }
}
