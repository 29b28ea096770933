package io.berth.sys;

/** A failed system call: the call, its object and the errno name, e.g. "mount /x: EBUSY". */
public final class SysException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public SysException(String operation, int errno) {
        super(operation + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
