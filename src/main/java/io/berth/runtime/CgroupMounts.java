package io.berth.runtime;

import io.berth.sys.MountFlags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a spec's {@code cgroup} mount into what this host can mount. On cgroup v2 it is a
 * cgroup2 mount. On v1 one mount cannot hold every controller (each has its own hierarchy), so,
 * as runc does, it becomes a tmpfs holding a bind of the container's own cgroup folder from
 * each host hierarchy, the tmpfs made read-only last when the spec asked for ro.
 */
final class CgroupMounts {
    private final String version;
    private final List<Path> hierarchies;

    CgroupMounts(String version, List<Path> hierarchies) {
        this.version = version;
        this.hierarchies = hierarchies;
    }

    /** The host's v1 hierarchies, read from /proc/self/mountinfo. */
    static List<Path> hostHierarchies() {
        try {
            List<Path> found = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                if (halves.length == 2 && halves[1].startsWith("cgroup ")) {
                    found.add(Path.of(halves[0].split(" ")[4]));
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/self/mountinfo", e);
        }
    }

    /** Adds the plan records for a cgroup mount at dst. */
    void add(PlanText plan, String dst, MountOptions options, String cgroupsPath) {
        if (!"v1".equals(version)) {
            mount(plan, "cgroup2", dst, "cgroup2", options.flags(), options.propagation(), "");
            return;
        }
        long flags = options.flags() & ~MountFlags.MS_RDONLY;
        mount(plan, "tmpfs", dst, "tmpfs", flags, 0, "mode=755");
        for (Path hierarchy : hierarchies) {
            Path own = hierarchy.resolve(cgroupsPath.replaceFirst("^/+", ""));
            if (Files.isDirectory(own)) {
                String inner = dst.replaceFirst("/+$", "") + "/" + hierarchy.getFileName();
                plan.add("cgroup mount", "mount", own, inner, "", options.flags()
                        | MountFlags.MS_BIND, 0, "", "d", 1);
            }
        }
        if ((options.flags() & MountFlags.MS_RDONLY) != 0) {
            plan.add("cgroup mount", "mount", "", dst, "", flags | MountFlags.MS_REMOUNT
                    | MountFlags.MS_RDONLY, options.propagation(), "", "d", 0);
        }
    }

    private static void mount(PlanText plan, String src, String dst, String type, long flags,
            long propagation, String data) {
        plan.add("mount " + dst, "mount", src, dst, type, flags, propagation, data, "d", 0);
    }
}
