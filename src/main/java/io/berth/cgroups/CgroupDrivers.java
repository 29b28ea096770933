package io.berth.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;

/** Chooses the cgroup driver for what a host mounts. */
public final class CgroupDrivers {
    /** Where Linux distributions mount the cgroup file systems. */
    public static final Path ROOT = Path.of("/sys/fs/cgroup");

    private CgroupDrivers() {
    }

    /** The driver for this host's /sys/fs/cgroup. */
    public static CgroupDriver detect() {
        return detect(ROOT);
    }

    /**
     * v2 when {@code root} itself is a cgroup2 mount (it has cgroup.controllers); otherwise v1
     * when per-controller hierarchies sit below it, as on this project's hybrid hosts, whose
     * cgroup2 tree at root/unified holds no controllers a container could be limited with.
     */
    public static CgroupDriver detect(Path root) {
        if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
            return new CgroupV2Driver(root);
        }
        if (!CgroupV1Driver.discover(root).isEmpty()) {
            return new CgroupV1Driver(root);
        }
        throw new CgroupException("no cgroup file system below " + root
                + ": neither a cgroup2 mount nor v1 hierarchies");
    }
}
