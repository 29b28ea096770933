package io.berth.cgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A cgroup file system laid out as plain files in a temp folder. The kernel fills a new cgroup
 * directory with control files on mkdir; plain folders do not, so tests lay out the cgroups they
 * expect the driver to use with {@link #cgroupV1} and {@link #cgroupV2}, as the kernel would.
 */
final class FakeCgroupFs {
    static final String V1_UNLIMITED = "9223372036854771712";
    private final Path root;

    private FakeCgroupFs(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** JUnit's temp folders are 0700; the project's tests use 0755 ones. */
    static Path open(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A hybrid host like this project's: eight v1 controllers, systemd, a bare unified tree. */
    static FakeCgroupFs hybrid(Path dir) {
        return hybrid(dir, "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio",
                "pids", "systemd");
    }

    /** A hybrid host with only the given v1 hierarchies mounted. */
    static FakeCgroupFs hybrid(Path dir, String... hierarchies) {
        FakeCgroupFs fs = new FakeCgroupFs(dir);
        for (String h : hierarchies) {
            fs.file(h + "/cgroup.procs", "1\n");
        }
        if (fs.exists("cpuset")) {
            fs.file("cpuset/cpuset.cpus", "0-1\n");
            fs.file("cpuset/cpuset.mems", "0\n");
        }
        fs.file("unified/cgroup.procs", "1\n");
        fs.file("unified/cgroup.controllers", "hugetlb\n");
        fs.file("unified/cgroup.subtree_control", "\n");
        return fs;
    }

    /** A pure v2 host whose root delegates the given controllers to its children. */
    static FakeCgroupFs unified(Path dir, String delegated) {
        FakeCgroupFs fs = new FakeCgroupFs(dir);
        fs.file("cgroup.procs", "1\n");
        fs.file("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        fs.file("cgroup.subtree_control", delegated + "\n");
        return fs;
    }

    /** What mkdir of {@code rel} (e.g. "berth/x") shows in every v1 hierarchy. */
    void cgroupV1(String rel, boolean swapAccounting) {
        for (String h : new String[] {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
                "blkio", "pids", "systemd"}) {
            file(h + "/" + rel + "/cgroup.procs", "");
        }
        file("cpu/" + rel + "/cpu.shares", "1024\n");
        file("cpu/" + rel + "/cpu.cfs_quota_us", "-1\n");
        file("cpu/" + rel + "/cpu.cfs_period_us", "100000\n");
        file("cpuacct/" + rel + "/cpuacct.usage", "0\n");
        file("cpuset/" + rel + "/cpuset.cpus", "\n");
        file("cpuset/" + rel + "/cpuset.mems", "\n");
        file("memory/" + rel + "/memory.limit_in_bytes", V1_UNLIMITED + "\n");
        file("memory/" + rel + "/memory.soft_limit_in_bytes", V1_UNLIMITED + "\n");
        file("memory/" + rel + "/memory.usage_in_bytes", "0\n");
        file("memory/" + rel + "/memory.swappiness", "60\n");
        file("memory/" + rel + "/memory.oom_control",
                "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        if (swapAccounting) {
            file("memory/" + rel + "/memory.memsw.limit_in_bytes", V1_UNLIMITED + "\n");
        }
        file("devices/" + rel + "/devices.allow", "");
        file("devices/" + rel + "/devices.deny", "");
        file("freezer/" + rel + "/freezer.state", "THAWED\n");
        file("pids/" + rel + "/pids.max", "max\n");
        file("pids/" + rel + "/pids.current", "0\n");
    }

    /** What mkdir of {@code rel} shows on v2 with {@code controllers} enabled by its parent. */
    void cgroupV2(String rel, String controllers) {
        String d = rel + "/";
        file(d + "cgroup.procs", "");
        file(d + "cgroup.controllers", controllers + "\n");
        file(d + "cgroup.subtree_control", "\n");
        file(d + "cgroup.freeze", "0\n");
        file(d + "cgroup.events", "populated 0\nfrozen 0\n");
        if (controllers.contains("memory")) {
            for (String f : new String[] {"memory.max", "memory.low", "memory.swap.max"}) {
                file(d + f, f.equals("memory.low") ? "0\n" : "max\n");
            }
            file(d + "memory.current", "0\n");
            file(d + "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        }
        if (controllers.contains("cpu")) {
            file(d + "cpu.weight", "100\n");
            file(d + "cpu.max", "max 100000\n");
            file(d + "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
        }
        if (controllers.contains("pids")) {
            file(d + "pids.max", "max\n");
            file(d + "pids.current", "0\n");
        }
        if (controllers.contains("cpuset")) {
            file(d + "cpuset.cpus", "\n");
            file(d + "cpuset.mems", "\n");
        }
    }

    void file(String rel, String content) {
        Path path = root.resolve(rel);
        try {
            Files.createDirectories(path.getParent(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String rel) {
        try {
            return Files.readString(root.resolve(rel)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean exists(String rel) {
        return Files.exists(root.resolve(rel));
    }

    /** Every file and folder with its content, to prove that nothing else changed. */
    Map<String, String> snapshot() {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> all.put(root.relativize(p).toString(),
                    Files.isDirectory(p) ? "/" : read(root.relativize(p).toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }
}
