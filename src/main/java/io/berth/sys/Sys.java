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

    // Added for the image store (layer unpacking); defaults keep existing fakes compiling.

    /** mknod(2): a device node, FIFO or (with major and minor 0) an overlay whiteout. */
    default void mknod(String path, int mode, long major, long minor) {
        throw new UnsupportedOperationException("mknod " + path + ": not available here");
    }

    /** lsetxattr(2): sets an extended attribute without following a final symlink. */
    default void lsetxattr(String path, String name, byte[] value) {
        throw new UnsupportedOperationException("lsetxattr " + path + ": not available here");
    }

    /** lgetxattr(2); a missing attribute (ENODATA) is reported as {@code null}. */
    default byte[] lgetxattr(String path, String name) {
        throw new UnsupportedOperationException("lgetxattr " + path + ": not available here");
    }

    /** lchown(2): owner and group of a path, not following a final symlink. */
    default void lchown(String path, long uid, long gid) {
        throw new UnsupportedOperationException("lchown " + path + ": not available here");
    }

    /** chmod(2), which (unlike the JDK's) never opens the file, so FIFOs do not block it. */
    default void chmod(String path, int mode) {
        throw new UnsupportedOperationException("chmod " + path + ": not available here");
    }

    /** utimensat(2) with AT_SYMLINK_NOFOLLOW: access and modification time of a path. */
    default void lutimes(String path, long seconds, int nanos) {
        throw new UnsupportedOperationException("utimensat " + path + ": not available here");
    }

    /**
     * syncfs(2) of the filesystem holding the folder {@code directory}: one flush for all of a
     * pulled image's files instead of an fsync per file.
     */
    default void syncfs(String directory) {
        throw new UnsupportedOperationException("syncfs " + directory + ": not available here");
    }

    // Added for the runtime (Unix socket paths longer than sun_path's 108 bytes).

    /** open(2) with O_PATH | O_DIRECTORY | O_CLOEXEC: a handle on a folder, for lookups. */
    default int openPath(String directory) {
        throw new UnsupportedOperationException("open " + directory + ": not available here");
    }

    /** close(2). */
    default void close(int fd) {
        throw new UnsupportedOperationException("close " + fd + ": not available here");
    }

    // Added for the command slots (a launcher that relays a command line without a JVM).

    /** pidfd_open(2): a descriptor that names the process, whatever reuses its pid later. */
    default int pidfdOpen(long pid) {
        throw new UnsupportedOperationException("pidfd_open " + pid + ": not available here");
    }

    /**
     * pidfd_getfd(2): that process's descriptor {@code fd}, duplicated into this one: the same
     * open file, offset and flags included, as dup(2) gives its owner; close-on-exec here.
     */
    default int pidfdGetfd(int pidfd, int fd) {
        throw new UnsupportedOperationException("pidfd_getfd " + fd + ": not available here");
    }

    /** write(2) of part of {@code bytes}: how many were written; EINTR is tried again. */
    default int write(int fd, byte[] bytes, int offset, int length) {
        throw new UnsupportedOperationException("write " + fd + ": not available here");
    }
}
