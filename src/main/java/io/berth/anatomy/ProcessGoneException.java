package io.berth.anatomy;

/** The process to be examined does not exist (any more): it exited or never was. */
public final class ProcessGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A process that has no /proc entry under {@code procRoot}. */
    public ProcessGoneException(long pid, String procRoot) {
        super("process " + pid + " does not exist: no " + procRoot + "/" + pid);
    }
}
