package io.berth.spec;

import java.util.Locale;
import java.util.Optional;

/** Linux capabilities in kernel order (linux/capability.h): ordinal() is the bit number. */
public enum Capability {
    CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
    LINUX_IMMUTABLE, NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN, NET_RAW, IPC_LOCK, IPC_OWNER,
    SYS_MODULE, SYS_RAWIO, SYS_CHROOT, SYS_PTRACE, SYS_PACCT, SYS_ADMIN, SYS_BOOT, SYS_NICE,
    SYS_RESOURCE, SYS_TIME, SYS_TTY_CONFIG, MKNOD, LEASE, AUDIT_WRITE, AUDIT_CONTROL, SETFCAP,
    MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ, PERFMON, BPF,
    CHECKPOINT_RESTORE;

    /** The name as config.json spells it: CAP_CHOWN. */
    public String specName() {
        return "CAP_" + name();
    }

    /** Parses CAP_CHOWN, chown or CHOWN. */
    public static Optional<Capability> parse(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        String bare = upper.startsWith("CAP_") ? upper.substring(4) : upper;
        for (Capability c : values()) {
            if (c.name().equals(bare)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
