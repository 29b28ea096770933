package io.berth.runtime;

import io.berth.cgroups.CgroupDriver;
import io.berth.spec.Spec;
import io.berth.sys.Errno;
import io.berth.sys.SysException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal real cgroup v1 placement for the runtime's tests (the real driver is written
 * elsewhere): the pids and freezer hierarchies, only under berth/, nothing else written.
 */
final class TestCgroups implements CgroupDriver {
    static final List<String> CONTROLLERS = List.of("pids", "freezer");
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    /** The berth/ parents these tests made, to remove when they are done with them. */
    private static final java.util.Set<Path> MADE_PARENTS =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The folder of a cgroup in one controller's hierarchy. */
    static Path dir(String controller, String cgroupsPath) {
        String relative = cgroupsPath.replaceFirst("^/+", "");
        if (!relative.startsWith("berth/")) {
            throw new IllegalArgumentException("tests keep to berth/: " + cgroupsPath);
        }
        return ROOT.resolve(controller).resolve(relative);
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public void create(String cgroupsPath, Spec.Resources resources) {
        for (String c : CONTROLLERS) {
            try {
                Path parent = ROOT.resolve(c).resolve("berth");
                if (!Files.exists(parent)) {
                    Files.createDirectory(parent);
                    MADE_PARENTS.add(parent);
                }
                Files.createDirectories(dir(c, cgroupsPath));
            } catch (IOException e) {
                throw new UncheckedIOException("mkdir cgroup " + cgroupsPath, e);
            }
        }
    }

    @Override
    public void addProcess(String cgroupsPath, long pid) {
        for (String c : CONTROLLERS) {
            write(dir(c, cgroupsPath).resolve("cgroup.procs"), Long.toString(pid));
        }
    }

    @Override
    public void update(String cgroupsPath, Spec.Resources resources) {
    }

    @Override
    public List<Long> pids(String cgroupsPath) {
        try {
            return Files.readAllLines(dir("pids", cgroupsPath).resolve("cgroup.procs")).stream()
                    .filter(l -> !l.isBlank()).map(Long::parseLong).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("read cgroup " + cgroupsPath, e);
        }
    }

    @Override
    public void freeze(String cgroupsPath, boolean frozen) {
        write(dir("freezer", cgroupsPath).resolve("freezer.state"), frozen ? "FROZEN" : "THAWED");
    }

    @Override
    public boolean oomKilled(String cgroupsPath) {
        return false;
    }

    @Override
    public void destroy(String cgroupsPath) {
        for (String c : CONTROLLERS) {
            try {
                Files.deleteIfExists(dir(c, cgroupsPath));
            } catch (NoSuchFileException e) {
                // already gone
            } catch (IOException e) {
                throw new SysException("rmdir cgroup " + dir(c, cgroupsPath), Errno.EBUSY);
            }
        }
    }

    /** Removes the berth/ parents made here; one still in use by others stays (EBUSY). */
    static void removeMadeParents() {
        for (Path parent : MADE_PARENTS) {
            try {
                Files.deleteIfExists(parent);
            } catch (IOException e) {
                // Another user of berth/ still has a cgroup in it: it is theirs to remove.
            }
        }
        MADE_PARENTS.clear();
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new UncheckedIOException("write " + file, e);
        }
    }

    @Override
    public io.berth.cgroups.Stats stats(String cgroupsPath) {
        long n = pids(cgroupsPath).size();
        return new io.berth.cgroups.Stats(io.berth.cgroups.Stats.UNKNOWN,
                io.berth.cgroups.Stats.UNKNOWN, io.berth.cgroups.Stats.UNKNOWN, n);
    }
}
