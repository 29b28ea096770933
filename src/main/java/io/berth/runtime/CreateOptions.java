package io.berth.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * How {@link OciRuntime#create} wires the container's process.
 *
 * @param stdinOpen whether the process gets a stdin pipe fed through {@link Attachment#stdin()};
 *     otherwise its stdin is /dev/null
 * @param logFile where the monitor writes the output in the CRI log format; null for no log
 * @param pidFile where the container's host pid is written once created; null for none
 * @param exitCommand what the monitor runs once it has written the exit file (conmon's
 *     --exit-command): argv with an absolute argv[0], run detached with stdio on /dev/null, cwd
 *     "/" and the monitor's environment, so the engine can finish a container nobody watches;
 *     empty for none
 * @param inherited for the OCI command line: the caller's own stdio, no monitor (then
 *     stdinOpen, logFile and exitCommand do not apply); null for the engine's monitored way
 * @param logRotation when the monitor rotates the log file; null to let it grow
 */
public record CreateOptions(boolean stdinOpen, Path logFile, Path pidFile,
        List<String> exitCommand, InheritedStdio inherited, LogRotation logRotation) {

    public CreateOptions {
        exitCommand = exitCommand == null ? List.of() : List.copyOf(exitCommand);
        if (!exitCommand.isEmpty() && !exitCommand.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("exit command " + exitCommand.getFirst()
                    + " must be an absolute path");
        }
    }

    /** Monitored, with an exit command. */
    public CreateOptions(boolean stdinOpen, Path logFile, Path pidFile,
            List<String> exitCommand) {
        this(stdinOpen, logFile, pidFile, exitCommand, null, null);
    }

    /** Monitored, without an exit command. */
    public CreateOptions(boolean stdinOpen, Path logFile, Path pidFile) {
        this(stdinOpen, logFile, pidFile, List.of());
    }

    /** The OCI command line's way: the caller's stdio, no monitor. */
    public static CreateOptions inheriting(InheritedStdio stdio, Path pidFile) {
        return new CreateOptions(false, null, pidFile, List.of(), stdio, null);
    }

    /** No stdin, no log file, no pid file, no exit command. */
    public static CreateOptions defaults() {
        return new CreateOptions(false, null, null);
    }

    /** These options with an exit command. */
    public CreateOptions withExitCommand(List<String> argv) {
        return new CreateOptions(stdinOpen, logFile, pidFile, argv, inherited, logRotation);
    }

    /** These options with the log rotated as given (null: never). */
    public CreateOptions withLogRotation(LogRotation rotation) {
        return new CreateOptions(stdinOpen, logFile, pidFile, exitCommand, inherited, rotation);
    }
}
