package io.berth.sys;

/**
 * The few system calls Berth makes from the JVM itself. Everything between clone() and execve()
 * happens in the shim instead; see DESIGN.md. Behind an interface so that logic above it can be
 * tested with a recording fake.
 */
public interface Sys {

    /** mount(2). {@code flags} are the MS_* bits of {@link MountFlags}. */
    void mount(String source, String target, String type, long flags, String data);

    /** umount2(2). {@code flags} are MNT_* bits, e.g. {@link MountFlags#MNT_DETACH}. */
    void umount(String target, int flags);

    /** kill(2); ESRCH is reported as {@code false}, not as an error. */
    boolean kill(long pid, int signal);

    /** The system calls of this machine, through the Foreign Function &amp; Memory API. */
    static Sys linux() {
        return LinuxSys.INSTANCE;
    }
}
