package io.berth.cgroups;

import io.berth.spec.Spec;
import io.berth.sys.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * cgroup v1: one hierarchy per controller (or per group of co-mounted controllers) below the
 * cgroup root, e.g. /sys/fs/cgroup/memory, plus named hierarchies such as systemd's. A container
 * gets a directory below berth/ in every hierarchy. A cgroup2 tree mounted beside them (the
 * "unified" tree of a hybrid host) is not a v1 hierarchy and is never touched.
 */
public final class CgroupV1Driver implements CgroupDriver {
    /**
     * Found on each warning, not with the class: the JDK's logging starts with the first
     * logger (about 10 ms cold), and a container start without warnings needs none.
     */
    private static System.Logger log() {
        return System.getLogger(CgroupV1Driver.class.getName());
    }
    private static final String PROCS = "cgroup.procs";
    private static final String FREEZER_STATE = "freezer.state";
    private static final String MEMSW = "memory.memsw.limit_in_bytes";
    private static final String LIMIT = "memory.limit_in_bytes";
    /** Page counters cap near 2^63; anything this large means "no limit". */
    private static final long UNLIMITED_FROM = 1L << 62;

    private final Path root;
    private final List<Hierarchy> hierarchies;
    private final Map<String, Hierarchy> controllers;
    private final Duration timeout;

    /** A driver for the v1 hierarchies mounted below {@code root} (normally /sys/fs/cgroup). */
    public CgroupV1Driver(Path root) {
        this(root, Duration.ofSeconds(5));
    }

    /** As above, waiting at most {@code timeout} for freezer states and busy cgroups. */
    CgroupV1Driver(Path root, Duration timeout) {
        this.root = root;
        this.timeout = timeout;
        this.controllers = discover(root);
        this.hierarchies = distinct(controllers.values());
        if (hierarchies.isEmpty()) {
            throw new CgroupException("no cgroup v1 hierarchies below " + root);
        }
    }

    /**
     * Each hierarchy once. discover gives one instance per hierarchy, so identity suffices;
     * Stream.distinct would call the record's equals and hashCode, whose first use bootstraps
     * ObjectMethods and spins method-handle classes (about 20 ms of a cold `berth oci run`).
     */
    private static List<Hierarchy> distinct(Collection<Hierarchy> all) {
        List<Hierarchy> once = new ArrayList<>();
        for (Hierarchy h : all) {
            boolean seen = false;
            for (Hierarchy o : once) {
                seen |= o == h;
            }
            if (!seen) {
                once.add(h);
            }
        }
        return List.copyOf(once);
    }

    /**
     * Maps each controller name (cpu, memory, systemd, ...) to its hierarchy. A hierarchy root
     * has cgroup.procs; a cgroup2 root also has cgroup.controllers, which rules it out. Symlinks
     * such as cpu -> cpu,cpuacct resolve to the one hierarchy they name.
     */
    static Map<String, Hierarchy> discover(Path root) {
        Map<String, Hierarchy> found = new LinkedHashMap<>();
        for (Path dir : list(root)) {
            if (isV1Hierarchy(dir)) {
                Path real = realPath(dir);
                Hierarchy h = found.values().stream().filter(x -> x.root().equals(real))
                        .findFirst().orElse(new Hierarchy(real));
                found.putIfAbsent(dir.getFileName().toString(), h);
                for (String name : real.getFileName().toString().split(",")) {
                    found.putIfAbsent(name, h);
                }
            }
        }
        return found;
    }

    private static boolean isV1Hierarchy(Path dir) {
        return Files.isDirectory(dir) && !dir.getFileName().toString().equals("unified")
                && Files.isRegularFile(dir.resolve(PROCS))
                && !Files.exists(dir.resolve("cgroup.controllers"));
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw Hierarchy.failure("list " + dir, e);
        }
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw Hierarchy.failure("resolve " + dir, e);
        }
    }

    @Override
    public String version() {
        return "v1";
    }

    /** The controllers (and named hierarchies) this driver found, e.g. [cpu, memory, systemd]. */
    public List<String> controllers() {
        return List.copyOf(controllers.keySet());
    }

    @Override
    public void create(String cgroupsPath, Spec.Resources resources) {
        CgroupPath path = CgroupPath.parse(cgroupsPath);
        List<Made> made = new ArrayList<>();
        try {
            for (Hierarchy h : hierarchies) {
                makeChain(h, path, made);
            }
            apply(path, resources);
        } catch (RuntimeException e) {
            undo(made, e);
            throw e;
        }
    }

    private record Made(Hierarchy hierarchy, Path dir) {
    }

    private void makeChain(Hierarchy h, CgroupPath path, List<Made> made) {
        boolean cpuset = h == controllers.get("cpuset");
        for (Path dir : path.chainIn(h.root())) {
            if (h.mkdir(dir)) {
                made.add(new Made(h, dir));
            }
            if (cpuset) {
                inheritCpuset(h, dir);
            }
        }
    }

    /**
     * A new v1 cpuset starts with empty cpus and mems, and the kernel refuses tasks into it
     * until both are set; so each level, berth/ included, copies its parent's.
     */
    private static void inheritCpuset(Hierarchy h, Path dir) {
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            if (h.read(dir, file).isEmpty()) {
                h.write(dir, file, h.read(dir.getParent(), file));
            }
        }
    }

    /** Removes what a failed create made, deepest first; berth/ itself stays for others. */
    private static void undo(List<Made> made, RuntimeException failure) {
        for (Made m : made.reversed()) {
            if (m.dir().getParent().equals(m.hierarchy().root())) {
                continue;
            }
            try {
                m.hierarchy().rmdir(m.dir());
            } catch (CgroupException e) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public void addProcess(String cgroupsPath, long pid) {
        CgroupPath path = requireExisting(cgroupsPath);
        for (Hierarchy h : hierarchies) {
            h.write(path.in(h.root()), PROCS, Long.toString(pid));
        }
    }

    @Override
    public void update(String cgroupsPath, Spec.Resources resources) {
        apply(requireExisting(cgroupsPath), resources);
    }

    private CgroupPath requireExisting(String cgroupsPath) {
        CgroupPath path = CgroupPath.parse(cgroupsPath);
        if (!Files.isDirectory(path.in(hierarchies.getFirst().root()))) {
            throw new CgroupException("no cgroup " + path + " in " + hierarchies.getFirst().root(),
                    Errno.ENOENT, null);
        }
        return path;
    }

    private void apply(CgroupPath path, Spec.Resources resources) {
        if (resources == null) {
            return;
        }
        if (resources.unified() != null && !resources.unified().isEmpty()) {
            throw new CgroupException("linux.resources.unified needs cgroup v2; this host has v1");
        }
        if (resources.memory() != null) {
            applyMemory(path, resources.memory());
        }
        if (resources.cpu() != null) {
            applyCpu(path, resources.cpu());
        }
        if (resources.pids() != null) {
            Hierarchy h = require("pids");
            h.write(path.in(h.root()), "pids.max", pidsMax(resources.pids().limit()));
        }
        if (resources.blockIO() != null && resources.blockIO().weight() != null) {
            applyBlkioWeight(path, resources.blockIO().weight());
        }
        if (resources.devices() != null) {
            applyDevices(path, resources.devices());
        }
    }

    private void applyMemory(CgroupPath path, Spec.Memory memory) {
        Hierarchy h = require("memory");
        Path dir = path.in(h.root());
        if (memory.reservation() != null) {
            h.write(dir, "memory.soft_limit_in_bytes", memory.reservation().toString());
        }
        writeLimitAndSwap(h, dir, memory.limit(), memory.swap());
        if (memory.swappiness() != null) {
            h.write(dir, "memory.swappiness", memory.swappiness().toString());
        }
        if (Boolean.TRUE.equals(memory.disableOOMKiller())) {
            h.write(dir, "memory.oom_control", "1");
        }
    }

    /**
     * The kernel keeps memory.limit_in_bytes at or below memory.memsw.limit_in_bytes, so raising
     * both must write memsw first and lowering both must write the limit first. Trying the limit
     * first and, on EINVAL, writing memsw before it again covers both.
     */
    private static void writeLimitAndSwap(Hierarchy h, Path dir, Long limit, Long swap) {
        boolean swapFile = swap != null && h.has(dir, MEMSW);
        if (swap != null && !swapFile) {
            log().log(System.Logger.Level.WARNING, "swap limit ignored: {0} has no {1} (swap "
                    + "accounting is off)", dir, MEMSW);
        }
        if (limit == null) {
            if (swapFile) {
                h.write(dir, MEMSW, swap.toString());
            }
            return;
        }
        try {
            h.write(dir, LIMIT, limit.toString());
        } catch (CgroupException e) {
            if (!swapFile || e.errno() != Errno.EINVAL) {
                throw e;
            }
            h.write(dir, MEMSW, swap.toString());
            h.write(dir, LIMIT, limit.toString());
            return;
        }
        if (swapFile) {
            h.write(dir, MEMSW, swap.toString());
        }
    }

    private void applyCpu(CgroupPath path, Spec.Cpu cpu) {
        if (isSet(cpu.shares()) || isSet(cpu.period()) || isSet(cpu.quota())) {
            Hierarchy h = require("cpu");
            Path dir = path.in(h.root());
            writeIfSet(h, dir, "cpu.shares", cpu.shares());
            writeIfSet(h, dir, "cpu.cfs_period_us", cpu.period());
            writeIfSet(h, dir, "cpu.cfs_quota_us", cpu.quota());
        }
        if (isSet(cpu.cpus()) || isSet(cpu.mems())) {
            Hierarchy h = require("cpuset");
            Path dir = path.in(h.root());
            if (isSet(cpu.cpus())) {
                h.write(dir, "cpuset.cpus", cpu.cpus());
            }
            if (isSet(cpu.mems())) {
                h.write(dir, "cpuset.mems", cpu.mems());
            }
        }
    }

    private static boolean isSet(Long value) {
        return value != null && value != 0;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static void writeIfSet(Hierarchy h, Path dir, String file, Long value) {
        if (isSet(value)) {
            h.write(dir, file, value.toString());
        }
    }

    /** The kernel has no "unlimited" number for pids; 0 or less in a spec means no limit. */
    static String pidsMax(long limit) {
        return limit > 0 ? Long.toString(limit) : "max";
    }

    private void applyBlkioWeight(CgroupPath path, int weight) {
        Hierarchy h = require("blkio");
        Path dir = path.in(h.root());
        Optional<String> file = Stream.of("blkio.weight", "blkio.bfq.weight")
                .filter(f -> h.has(dir, f)).findFirst();
        if (file.isEmpty()) {
            log().log(System.Logger.Level.WARNING, "blkio weight {0} ignored: {1} has no weight"
                    + " file (no CFQ/BFQ scheduler)", weight, dir);
            return;
        }
        h.write(dir, file.get(), Integer.toString(weight));
    }

    /** Device rules go in order: a leading "deny a" then allows is the usual allow-list. */
    private void applyDevices(CgroupPath path, List<Spec.DeviceRule> rules) {
        Hierarchy h = require("devices");
        Path dir = path.in(h.root());
        for (Spec.DeviceRule rule : rules) {
            h.write(dir, rule.allow() ? "devices.allow" : "devices.deny", deviceRule(rule));
        }
    }

    /** The devices.allow line for a rule: "c 1:3 rwm", with * for an absent number. */
    static String deviceRule(Spec.DeviceRule rule) {
        String type = rule.type() == null || rule.type().isBlank() ? "a" : rule.type();
        String major = rule.major() == null || rule.major() < 0 ? "*" : rule.major().toString();
        String minor = rule.minor() == null || rule.minor() < 0 ? "*" : rule.minor().toString();
        String access = rule.access() == null || rule.access().isBlank() ? "rwm" : rule.access();
        return type + " " + major + ":" + minor + " " + access;
    }

    private Hierarchy require(String controller) {
        Hierarchy h = controllers.get(controller);
        if (h == null) {
            throw new CgroupException("the cgroup v1 " + controller + " controller is not mounted"
                    + " below " + root);
        }
        return h;
    }

    @Override
    public List<Long> pids(String cgroupsPath) {
        CgroupPath path = CgroupPath.parse(cgroupsPath);
        Hierarchy h = Stream.of("pids", "freezer", "memory", "cpu").map(controllers::get)
                .filter(x -> x != null).findFirst().orElse(hierarchies.getFirst());
        return h.read(path.in(h.root()), PROCS).lines().filter(l -> !l.isBlank())
                .map(Long::parseLong).toList();
    }

    @Override
    public void freeze(String cgroupsPath, boolean frozen) {
        Hierarchy h = require("freezer");
        Path dir = CgroupPath.parse(cgroupsPath).in(h.root());
        String wanted = frozen ? "FROZEN" : "THAWED";
        h.write(dir, FREEZER_STATE, wanted);
        // A freeze can stall in FREEZING while a task sits in an uninterruptible sleep; writing
        // the state again makes the kernel retry the tasks it could not stop yet.
        boolean settled = Retry.until(timeout, () -> {
            if (h.read(dir, FREEZER_STATE).equals(wanted)) {
                return true;
            }
            h.write(dir, FREEZER_STATE, wanted);
            return false;
        });
        if (!settled) {
            if (frozen) {
                h.write(dir, FREEZER_STATE, "THAWED");
            }
            throw new CgroupException("freezer.state of " + dir + " did not become " + wanted
                    + " within " + timeout.toMillis() + " ms", Errno.EBUSY, null);
        }
    }

    @Override
    public boolean oomKilled(String cgroupsPath) {
        Hierarchy h = controllers.get("memory");
        if (h == null) {
            return false;
        }
        Path dir = CgroupPath.parse(cgroupsPath).in(h.root());
        return h.has(dir, "memory.oom_control")
                && KeyedFile.value(h.read(dir, "memory.oom_control"), "oom_kill") > 0;
    }

    @Override
    public void destroy(String cgroupsPath) {
        CgroupPath path = CgroupPath.parse(cgroupsPath);
        Retry.whileBusy(timeout, () -> {
            for (Hierarchy h : hierarchies) {
                h.removeTree(path.in(h.root()));
            }
        });
    }

    @Override
    public Stats stats(String cgroupsPath) {
        CgroupPath path = CgroupPath.parse(cgroupsPath);
        long limit = number(path, "memory", LIMIT);
        return new Stats(number(path, "memory", "memory.usage_in_bytes"),
                limit >= UNLIMITED_FROM ? Stats.UNKNOWN : limit,
                number(path, "cpuacct", "cpuacct.usage"),
                number(path, "pids", "pids.current"));
    }

    private long number(CgroupPath path, String controller, String file) {
        Hierarchy h = controllers.get(controller);
        if (h == null || !h.has(path.in(h.root()), file)) {
            return Stats.UNKNOWN;
        }
        return Long.parseLong(h.read(path.in(h.root()), file));
    }
}
