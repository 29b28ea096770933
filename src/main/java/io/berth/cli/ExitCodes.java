package io.berth.cli;

import io.berth.runtime.ContainerStartException;

/** Docker's exit codes for the CLI. */
final class ExitCodes {
    static final int FAILURE = 1;
    /** How docker prints what its daemon refused, where Berth matches docker's words. */
    static final String DAEMON = "Error response from daemon: ";
    /** docker's status for a command line it cannot use, such as a broken inspect template. */
    static final int USAGE = 64;
    /** The engine failed before the container's command could run. */
    static final int ENGINE = 125;
    /** The command was found but cannot be invoked. */
    static final int CANNOT_INVOKE = 126;
    /** The command was not found. */
    static final int NOT_FOUND = 127;

    private static final int ENOENT = 2;
    private static final int ENOEXEC = 8;
    private static final int EACCES = 13;

    private ExitCodes() {
    }

    /** Marks run, create and start, whose engine failures are 125 rather than 1. */
    interface RunLike {
    }

    /** A mistake of the user's, already phrased for them. */
    static final class UserError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserError(String message) {
            super(message);
        }
    }

    static int forStartFailure(ContainerStartException e) {
        return switch (e.errno()) {
            case ENOENT -> e.getMessage().contains("exec") ? NOT_FOUND : ENGINE;
            case EACCES, ENOEXEC -> e.getMessage().contains("exec") ? CANNOT_INVOKE : ENGINE;
            default -> ENGINE;
        };
    }
}
