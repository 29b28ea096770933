package io.berth.engine;

import io.berth.cgroups.CgroupDriver;
import io.berth.cgroups.CgroupPath;
import io.berth.network.NetworkService;
import io.berth.runtime.MigrationPrimer;
import io.berth.runtime.OciRuntime;
import io.berth.store.Store;
import io.berth.sys.MountFlags;
import io.berth.sys.Sys;
import io.berth.sys.SysException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What a crashed CLI or service left behind that belongs to no container in the store: runtime
 * state (and so a monitor and its process), a container folder, network endpoints with their
 * veths and leases, mounts, and cgroups under Berth's parent.
 *
 * <p>The quick pass runs before every container start and costs three folder listings and one
 * query of ids while nothing is left over. The folders are listed before the ids are read: the
 * engine adds a row before it makes any of a container's folders and removes the row after
 * them, so an id seen in a folder but not among the rows is really left over, never a container
 * being made meanwhile.
 */
final class Leftovers {
    private static final System.Logger LOG = System.getLogger(Leftovers.class.getName());
    /**
     * Every root on the host shares Berth's cgroup parent, so a stray cgroup may be another
     * root's: only an empty one this old is taken for debris, never one a start is filling.
     */
    static final Duration CGROUP_GRACE = Duration.ofSeconds(60);
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private final Store store;
    private final OciRuntime runtime;
    private final Path runtimeDir;
    private final NetworkService networks;
    private final CgroupDriver cgroups;
    private final Path containersDir;
    /** Releases an id's runtime state, endpoints, mount and folder (the engine's orphan path). */
    private final Consumer<String> release;

    Leftovers(Store store, OciRuntime runtime, Path runtimeDir, NetworkService networks,
            CgroupDriver cgroups, Path containersDir, Consumer<String> release) {
        this.store = store;
        this.runtime = runtime;
        this.runtimeDir = runtimeDir;
        this.networks = networks;
        this.cgroups = cgroups;
        this.containersDir = containersDir;
        this.release = release;
    }

    /** The quick pass before a start, which must not fail for another container's debris. */
    void beforeStart() {
        try {
            releaseOrphans();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "look for what crashed runs left: "
                    + e.getMessage());
        }
    }

    /**
     * Releases every id that has runtime state, a folder or endpoints but no row; returns
     * them. A release that fails is logged and the others go on.
     */
    List<String> releaseOrphans() {
        Set<String> seen = new TreeSet<>();
        addIds(seen, names(runtimeDir));
        addIds(seen, names(containersDir));
        addIds(seen, networks.attachedContainers());
        if (seen.isEmpty()) {
            return List.of();
        }
        seen.removeAll(store.ids());
        List<String> released = new ArrayList<>();
        for (String id : seen) {
            try {
                release.accept(id);
                released.add(id);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "release what container " + id
                        + " left: " + e.getMessage());
            }
        }
        return released;
    }

    /**
     * The whole sweep, for {@code system prune}: orphans as above, then endpoints whose
     * namespace is gone and leases no endpoint owns, mounts under the containers folder of no
     * known container, and old empty cgroups of no known container. Returns a line per thing
     * undone.
     */
    List<String> sweep() {
        List<String> done = new ArrayList<>();
        releaseOrphans().forEach(id -> done.add("container " + id));
        done.addAll(networks.reconcile());
        Set<String> known = new HashSet<>(store.ids());
        done.addAll(unmountStrays(known));
        known.addAll(runtime.list());
        done.addAll(removeStrayCgroups(known));
        done.addAll(removeDeadPrimers());
        return done;
    }

    /**
     * The cgroups of migration primers (see {@link MigrationPrimer}) whose JVM is gone: its
     * helper process left with it, and a killed JVM had no chance to remove the cgroup. One
     * whose JVM lives, or that still holds a process, is left alone.
     */
    private List<String> removeDeadPrimers() {
        Set<String> names = new TreeSet<>();
        for (Path parent : cgroupParents()) {
            folderNames(parent).stream().filter(n -> n.startsWith(MigrationPrimer.PREFIX))
                    .forEach(names::add);
        }
        List<String> done = new ArrayList<>();
        for (String name : names) {
            if (!ownerAlive(name) && empty(name)) {
                destroyCgroup(name, done);
            }
        }
        return done;
    }

    /** Removes berth/name and notes it in done; a failure is logged, never thrown. */
    private void destroyCgroup(String name, List<String> done) {
        try {
            cgroups.destroy(CgroupPath.below(name));
            done.add("cgroup berth/" + name);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "remove cgroup berth/" + name + ": "
                    + e.getMessage());
        }
    }

    private static boolean ownerAlive(String primer) {
        try {
            long pid = Long.parseLong(primer.substring(MigrationPrimer.PREFIX.length()));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not a name a primer makes: not ours to judge
        }
    }

    private static boolean empty(String name) {
        for (Path parent : cgroupParents()) {
            Path group = parent.resolve(name);
            try {
                if (Files.isDirectory(group)
                        && !Files.readString(group.resolve("cgroup.procs")).isBlank()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Mounts below a container folder whose id has no row, deepest first. */
    private List<String> unmountStrays(Set<String> known) {
        List<String> points = new ArrayList<>();
        for (String point : MountInfo.mountPoints()) {
            Path p = Path.of(point);
            if (p.startsWith(containersDir) && p.getNameCount() > containersDir.getNameCount()
                    && !known.contains(p.getName(containersDir.getNameCount()).toString())) {
                points.add(point);
            }
        }
        points.sort((a, b) -> b.length() - a.length());
        List<String> done = new ArrayList<>();
        for (String point : points) {
            try {
                Sys.linux().umount(point, MountFlags.MNT_DETACH);
                done.add("mount " + point);
            } catch (SysException e) {
                LOG.log(System.Logger.Level.WARNING, "unmount " + point + ": " + e.getMessage());
            }
        }
        return done;
    }

    private List<String> removeStrayCgroups(Set<String> known) {
        Set<String> ids = new TreeSet<>();
        for (Path parent : cgroupParents()) {
            folderNames(parent).stream().filter(Leftovers::isId).forEach(ids::add);
        }
        ids.removeAll(known);
        List<String> done = new ArrayList<>();
        Instant before = Instant.now().minus(CGROUP_GRACE);
        for (String id : ids) {
            if (emptyAndOlder(id, before)) {
                destroyCgroup(id, done);
            }
        }
        return done;
    }

    /** Berth's parent in each hierarchy: /sys/fs/cgroup/berth on v2, one per controller on v1. */
    private static List<Path> cgroupParents() {
        List<Path> parents = new ArrayList<>();
        if (Files.isDirectory(CGROUP_ROOT.resolve("berth"))) {
            parents.add(CGROUP_ROOT.resolve("berth"));
        }
        for (String hierarchy : folderNames(CGROUP_ROOT)) {
            Path parent = CGROUP_ROOT.resolve(hierarchy).resolve("berth");
            if (Files.isDirectory(parent)) {
                parents.add(parent);
            }
        }
        return parents;
    }

    private static boolean emptyAndOlder(String id, Instant before) {
        for (Path parent : cgroupParents()) {
            Path group = parent.resolve(id);
            if (!Files.isDirectory(group)) {
                continue;
            }
            try {
                if (Files.getLastModifiedTime(group).toInstant().isAfter(before)
                        || !Files.readString(group.resolve("cgroup.procs")).isBlank()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static boolean isId(String name) {
        return name.length() == 64 && Names.isHex(name);
    }

    // The quick pass runs before every start, in a CLI's fresh JVM: plain loops and a
    // DirectoryStream, no streams or lambdas, whose first use costs milliseconds of bootstrap.
    private static void addIds(Set<String> into, List<String> names) {
        for (String name : names) {
            if (isId(name)) {
                into.add(name);
            }
        }
    }

    /** The names in a folder, without a stat of each. */
    private static List<String> names(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                names.add(p.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("list " + dir, e);
        }
        return names;
    }

    private static List<String> folderNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("list " + dir, e);
        }
    }
}
