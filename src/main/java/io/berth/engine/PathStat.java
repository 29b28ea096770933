package io.berth.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * What docker's archive endpoints report about a path in a container (the
 * X-Docker-Container-Path-Stat header): its name, size, mode, mtime and, for a symlink, the path
 * inside the container that the link finally resolves to.
 *
 * @param mode Go's os.FileMode bits, as docker puts them in the header: permission bits plus
 *     type bits such as {@link #GO_DIR} and {@link #GO_SYMLINK}
 * @param linkTarget empty unless the path is a symlink
 */
public record PathStat(String name, long size, long mode, Instant mtime, String linkTarget) {
    public static final long GO_DIR = 1L << 31;
    public static final long GO_SYMLINK = 1L << 27;
    public static final long GO_DEVICE = 1L << 26;
    public static final long GO_NAMED_PIPE = 1L << 25;
    public static final long GO_SOCKET = 1L << 24;
    public static final long GO_SETUID = 1L << 23;
    public static final long GO_SETGID = 1L << 22;
    public static final long GO_CHAR_DEVICE = 1L << 21;
    public static final long GO_STICKY = 1L << 20;

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;

    /** Whether the path is a folder. */
    public boolean isDirectory() {
        return (mode & GO_DIR) != 0;
    }

    /** Whether the path is a symlink (not followed). */
    public boolean isSymlink() {
        return (mode & GO_SYMLINK) != 0;
    }

    /** Reads the path's own attributes, not following a symlink. */
    static PathStat of(Path file, String name, String linkTarget) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,size,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        int unixMode = (int) a.get("mode");
        Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant();
        return new PathStat(name, (long) a.get("size"), goMode(unixMode), mtime,
                linkTarget == null ? "" : linkTarget);
    }

    /** st_mode as Go's os.FileMode: the type bits move up, set-id and sticky bits too. */
    static long goMode(int unixMode) {
        long mode = unixMode & 0777;
        mode |= switch (unixMode & S_IFMT) {
            case S_IFDIR -> GO_DIR;
            case S_IFLNK -> GO_SYMLINK;
            case S_IFCHR -> GO_DEVICE | GO_CHAR_DEVICE;
            case S_IFBLK -> GO_DEVICE;
            case S_IFIFO -> GO_NAMED_PIPE;
            case S_IFSOCK -> GO_SOCKET;
            default -> 0L;
        };
        mode |= (unixMode & 04000) != 0 ? GO_SETUID : 0;
        mode |= (unixMode & 02000) != 0 ? GO_SETGID : 0;
        mode |= (unixMode & 01000) != 0 ? GO_STICKY : 0;
        return mode;
    }
}
