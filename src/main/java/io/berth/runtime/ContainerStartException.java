package io.berth.runtime;

import io.berth.sys.Errno;

/**
 * A container could not be created or started. The message names the failed step and its
 * object ({@code mount proc on /proc: EPERM}, {@code exec: "x": executable file not found in
 * $PATH}); {@link #errno()} lets a front end pick its exit code (ENOENT 127, EACCES/ENOEXEC 126).
 */
public final class ContainerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public ContainerStartException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public ContainerStartException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The errno of the failed step; 0 when the failure was not a system call's. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. ENOENT. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /**
     * The exit code docker gives a command that could not be run: 127 when it was not found,
     * 126 when it cannot be executed (permission, format), 125 for any other failure.
     */
    public int exitCode() {
        if (!getMessage().startsWith("exec: ")) {
            return 125;
        }
        return errno == Errno.ENOENT ? 127 : 126;
    }
}
