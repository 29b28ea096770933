package io.berth.cgroups;

/**
 * A cgroup operation that failed: the message names the operation, the file and the errno name,
 * e.g. "write 5 to /sys/fs/cgroup/memory/berth/x/memory.limit_in_bytes: EINVAL (invalid
 * argument)". {@link #errno()} is 0 when the failure did not come from the kernel.
 */
public final class CgroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /** A failure that did not come with an errno: a refused path, a missing controller. */
    public CgroupException(String message) {
        this(message, 0, null);
    }

    /** A failure reported by the kernel (or the file system) with the given errno. */
    public CgroupException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The errno behind the failure, or 0. */
    public int errno() {
        return errno;
    }
}
