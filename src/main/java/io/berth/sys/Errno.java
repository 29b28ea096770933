package io.berth.sys;

import java.util.Map;

/** Names of the errno values Berth meets; others print as their number. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int EOPNOTSUPP = 95;

    private static final Map<Integer, String[]> NAMES = Map.ofEntries(
            Map.entry(1, new String[] {"EPERM", "operation not permitted"}),
            Map.entry(2, new String[] {"ENOENT", "no such file or directory"}),
            Map.entry(3, new String[] {"ESRCH", "no such process"}),
            Map.entry(4, new String[] {"EINTR", "interrupted system call"}),
            Map.entry(5, new String[] {"EIO", "input/output error"}),
            Map.entry(8, new String[] {"ENOEXEC", "exec format error"}),
            Map.entry(9, new String[] {"EBADF", "bad file descriptor"}),
            Map.entry(11, new String[] {"EAGAIN", "resource temporarily unavailable"}),
            Map.entry(12, new String[] {"ENOMEM", "cannot allocate memory"}),
            Map.entry(13, new String[] {"EACCES", "permission denied"}),
            Map.entry(16, new String[] {"EBUSY", "device or resource busy"}),
            Map.entry(17, new String[] {"EEXIST", "file exists"}),
            Map.entry(19, new String[] {"ENODEV", "no such device"}),
            Map.entry(20, new String[] {"ENOTDIR", "not a directory"}),
            Map.entry(21, new String[] {"EISDIR", "is a directory"}),
            Map.entry(22, new String[] {"EINVAL", "invalid argument"}),
            Map.entry(28, new String[] {"ENOSPC", "no space left on device"}),
            Map.entry(30, new String[] {"EROFS", "read-only file system"}),
            Map.entry(32, new String[] {"EPIPE", "broken pipe"}),
            Map.entry(38, new String[] {"ENOSYS", "function not implemented"}),
            Map.entry(40, new String[] {"ELOOP", "too many levels of symbolic links"}),
            Map.entry(95, new String[] {"EOPNOTSUPP", "operation not supported"}));

    private Errno() {
    }

    public static String name(int errno) {
        String[] entry = NAMES.get(errno);
        return entry == null ? "errno " + errno : entry[0];
    }

    public static String describe(int errno) {
        String[] entry = NAMES.get(errno);
        return entry == null ? "error " + errno : entry[1];
    }
}
