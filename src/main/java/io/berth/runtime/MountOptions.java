package io.berth.runtime;

import io.berth.sys.MountFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A mount's option list split the way mount(2) wants it: MS_ flags, propagation flags (a
 * separate call), and the rest as the filesystem's data string.
 */
record MountOptions(long flags, long propagation, String data, boolean bind) {

    private static final long MS_SYNCHRONOUS = 16;
    private static final long MS_MANDLOCK = 64;
    private static final long MS_DIRSYNC = 128;
    private static final long MS_NOATIME = 1024;
    private static final long MS_NODIRATIME = 2048;
    private static final long MS_UNBINDABLE = 1 << 17;
    private static final long MS_RELATIME = 1 << 21;
    private static final long MS_STRICTATIME = 1 << 24;

    /** Options that set a flag. */
    private static final Map<String, Long> SETS = Map.ofEntries(
            Map.entry("ro", MountFlags.MS_RDONLY), Map.entry("nosuid", MountFlags.MS_NOSUID),
            Map.entry("nodev", MountFlags.MS_NODEV), Map.entry("noexec", MountFlags.MS_NOEXEC),
            Map.entry("sync", MS_SYNCHRONOUS), Map.entry("mand", MS_MANDLOCK),
            Map.entry("dirsync", MS_DIRSYNC), Map.entry("noatime", MS_NOATIME),
            Map.entry("nodiratime", MS_NODIRATIME), Map.entry("relatime", MS_RELATIME),
            Map.entry("strictatime", MS_STRICTATIME), Map.entry("remount", MountFlags.MS_REMOUNT));

    /** Options that clear one. */
    private static final Map<String, Long> CLEARS = Map.ofEntries(
            Map.entry("rw", MountFlags.MS_RDONLY), Map.entry("suid", MountFlags.MS_NOSUID),
            Map.entry("dev", MountFlags.MS_NODEV), Map.entry("exec", MountFlags.MS_NOEXEC),
            Map.entry("async", MS_SYNCHRONOUS), Map.entry("nomand", MS_MANDLOCK),
            Map.entry("atime", MS_NOATIME), Map.entry("diratime", MS_NODIRATIME),
            Map.entry("norelatime", MS_RELATIME), Map.entry("nostrictatime", MS_STRICTATIME));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MountFlags.MS_PRIVATE,
            "rprivate", MountFlags.MS_PRIVATE | MountFlags.MS_REC,
            "shared", MountFlags.MS_SHARED,
            "rshared", MountFlags.MS_SHARED | MountFlags.MS_REC,
            "slave", MountFlags.MS_SLAVE,
            "rslave", MountFlags.MS_SLAVE | MountFlags.MS_REC,
            "unbindable", MS_UNBINDABLE,
            "runbindable", MS_UNBINDABLE | MountFlags.MS_REC);

    /** Parses a spec mount's options; type "bind" makes it a bind mount as the option does. */
    static MountOptions parse(String type, List<String> options) {
        long flags = 0;
        long propagation = 0;
        boolean bind = "bind".equals(type);
        List<String> data = new ArrayList<>();
        for (String o : options == null ? List.<String>of() : options) {
            if (SETS.containsKey(o)) {
                flags |= SETS.get(o);
            } else if (CLEARS.containsKey(o)) {
                flags &= ~CLEARS.get(o);
            } else if (PROPAGATION.containsKey(o)) {
                propagation |= PROPAGATION.get(o);
            } else if (o.equals("bind") || o.equals("rbind")) {
                bind = true;
                flags |= o.equals("rbind") ? MountFlags.MS_REC : 0;
            } else {
                data.add(o);
            }
        }
        return new MountOptions(flags, propagation, String.join(",", data), bind);
    }

    /** The propagation flags of a rootfsPropagation value, 0 for none. */
    static long propagation(String name) {
        if (name == null || name.isEmpty()) {
            return 0;
        }
        Long flags = PROPAGATION.get(name);
        if (flags == null) {
            throw new ContainerStartException("config.json: unknown rootfsPropagation " + name,
                    io.berth.sys.Errno.EINVAL);
        }
        return flags | MountFlags.MS_REC;
    }
}
