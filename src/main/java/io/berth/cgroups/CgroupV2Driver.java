package io.berth.cgroups;

import io.berth.spec.Spec;
import io.berth.sys.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * cgroup v2: one unified hierarchy at {@code root}. Controllers reach a cgroup only when every
 * ancestor lists them in cgroup.subtree_control; Berth writes that file only at berth/ and below
 * and never at the root, so a controller the host's root does not delegate is done without.
 */
public final class CgroupV2Driver implements CgroupDriver {
    /**
     * Found on each warning, not with the class: the JDK's logging starts with the first
     * logger (about 10 ms cold), and a container start without warnings needs none.
     */
    private static System.Logger log() {
        return System.getLogger(CgroupV2Driver.class.getName());
    }
    private static final String PROCS = "cgroup.procs";
    private static final String SUBTREE = "cgroup.subtree_control";
    /** The controllers a container's limits and stats use, in the order they are enabled. */
    private static final List<String> WANTED =
            List.of("cpuset", "cpu", "io", "memory", "pids", "hugetlb");

    private final Hierarchy tree;
    private final Duration timeout;
    private volatile boolean warnedMissing;

    /** A driver for the cgroup2 tree mounted at {@code root} (e.g. /sys/fs/cgroup). */
    public CgroupV2Driver(Path root) {
        this(root, Duration.ofSeconds(5));
    }

    /** As above, waiting at most {@code timeout} for freezes and busy cgroups. */
    CgroupV2Driver(Path root, Duration timeout) {
        this.tree = new Hierarchy(root);
        this.timeout = timeout;
        if (!Files.isRegularFile(root.resolve("cgroup.controllers"))) {
            throw new CgroupException(root + " is not a cgroup2 tree: no cgroup.controllers");
        }
    }

    @Override
    public String version() {
        return "v2";
    }

    /** The controllers the root delegates to its children, so to berth/: its subtree_control. */
    public List<String> controllers() {
        return List.of(words(tree.read(tree.root(), SUBTREE)));
    }

    @Override
    public void create(String cgroupsPath, Spec.Resources resources) {
        CgroupPath path = CgroupPath.parse(cgroupsPath);
        List<Path> made = new ArrayList<>();
        try {
            makeChain(path, made);
            apply(path.in(tree.root()), resources);
        } catch (RuntimeException e) {
            undo(made, e);
            throw e;
        }
    }

    /** Makes berth/ down to the leaf, enabling controllers at every level above the leaf. */
    private void makeChain(CgroupPath path, List<Path> made) {
        List<Path> chain = path.chainIn(tree.root());
        for (Path dir : chain) {
            if (tree.mkdir(dir)) {
                made.add(dir);
            }
            if (!dir.equals(chain.getLast())) {
                delegate(dir);
            }
        }
    }

    /**
     * Enables in {@code dir}'s subtree_control every wanted controller {@code dir} has. What the
     * root does not delegate to berth/ is missing from berth/'s cgroup.controllers; Berth does
     * not change the root, so it goes on without it and says so.
     */
    private void delegate(Path dir) {
        Set<String> available = Set.of(words(tree.read(dir, "cgroup.controllers")));
        Set<String> enabled = Set.of(words(tree.read(dir, SUBTREE)));
        List<String> missing = WANTED.stream().filter(c -> !available.contains(c)).toList();
        if (!missing.isEmpty() && !warnedMissing) {
            warnedMissing = true;
            log().log(System.Logger.Level.WARNING, "cgroup v2 controllers {0} are not delegated to"
                    + " {1}; going on without them", missing, dir);
        }
        List<String> toEnable = WANTED.stream()
                .filter(c -> available.contains(c) && !enabled.contains(c))
                .map(c -> "+" + c).toList();
        if (!toEnable.isEmpty()) {
            enable(dir, toEnable);
        }
    }

    /** One write enables them all; if the kernel refuses one, the others go one by one. */
    private void enable(Path dir, List<String> toEnable) {
        try {
            tree.write(dir, SUBTREE, String.join(" ", toEnable));
        } catch (CgroupException all) {
            for (String controller : toEnable) {
                try {
                    tree.write(dir, SUBTREE, controller);
                } catch (CgroupException one) {
                    log().log(System.Logger.Level.WARNING, "cannot enable {0} in {1}: {2}",
                            controller, dir, one.getMessage());
                }
            }
        }
    }

    private static String[] words(String content) {
        return Arrays.stream(content.split("\\s+")).filter(w -> !w.isEmpty())
                .toArray(String[]::new);
    }

    private void undo(List<Path> made, RuntimeException failure) {
        for (Path dir : made.reversed()) {
            if (dir.getParent().equals(tree.root())) {
                continue;
            }
            try {
                tree.rmdir(dir);
            } catch (CgroupException e) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public void addProcess(String cgroupsPath, long pid) {
        tree.write(existing(cgroupsPath), PROCS, Long.toString(pid));
    }

    @Override
    public void update(String cgroupsPath, Spec.Resources resources) {
        apply(existing(cgroupsPath), resources);
    }

    private Path existing(String cgroupsPath) {
        Path dir = CgroupPath.parse(cgroupsPath).in(tree.root());
        if (!Files.isDirectory(dir)) {
            throw new CgroupException("no cgroup " + dir, Errno.ENOENT, null);
        }
        return dir;
    }

    private void apply(Path dir, Spec.Resources resources) {
        if (resources == null) {
            return;
        }
        if (resources.memory() != null) {
            applyMemory(dir, resources.memory());
        }
        if (resources.cpu() != null) {
            applyCpu(dir, resources.cpu());
        }
        if (resources.pids() != null) {
            write(dir, "pids", "pids.max", CgroupV1Driver.pidsMax(resources.pids().limit()));
        }
        if (resources.blockIO() != null && resources.blockIO().weight() != null) {
            applyIoWeight(dir, resources.blockIO().weight());
        }
        if (resources.devices() != null && !resources.devices().isEmpty()) {
            // Not yet: v2 device rules are an eBPF program attached to the cgroup
            // (BPF_CGROUP_DEVICE), which needs bpf(2) through FFM; until then only the shim's
            // minimal /dev limits which devices a container can reach.
            log().log(System.Logger.Level.WARNING, "cgroup v2 device rules are not enforced yet");
        }
        if (resources.unified() != null) {
            applyUnified(dir, resources.unified());
        }
    }

    private void applyMemory(Path dir, Spec.Memory memory) {
        if (memory.limit() != null) {
            write(dir, "memory", "memory.max", max(memory.limit()));
        }
        if (memory.reservation() != null) {
            write(dir, "memory", "memory.low", max(memory.reservation()));
        }
        long limit = memory.limit() == null ? 0 : memory.limit();
        long swap = memory.swap() == null ? 0 : memory.swap();
        long swapMax = swapMax(swap, limit);
        if (swapMax != 0 && tree.has(dir, "memory.swap.max")) {
            tree.write(dir, "memory.swap.max", max(swapMax));
        } else if (swapMax != 0) {
            log().log(System.Logger.Level.WARNING, "swap limit ignored: {0} has no memory.swap.max",
                    dir);
        }
    }

    /**
     * The OCI spec's swap is memory plus swap, as v1's memsw is; v2's memory.swap.max counts
     * swap alone. Returns the value for memory.swap.max: -1 for "max", 0 for "leave as is".
     * An unlimited memory with no swap given means unlimited swap too, as on v1.
     */
    static long swapMax(long swap, long limit) {
        if (limit == -1 && swap == 0) {
            return -1;
        }
        if (swap == -1 || swap == 0) {
            return swap;
        }
        if (limit <= 0) {
            throw new CgroupException("a swap limit (" + swap + ") needs a memory limit");
        }
        if (swap < limit) {
            throw new CgroupException("memory+swap limit " + swap + " is below the memory limit "
                    + limit);
        }
        return swap - limit;
    }

    private void applyCpu(Path dir, Spec.Cpu cpu) {
        if (cpu.shares() != null && cpu.shares() != 0) {
            write(dir, "cpu", "cpu.weight", Long.toString(cpuWeight(cpu.shares())));
        }
        if (isSet(cpu.quota()) || isSet(cpu.period())) {
            String[] current = words(read(dir, "cpu", "cpu.max"));
            write(dir, "cpu", "cpu.max", cpuMax(cpu.quota(), cpu.period(), current));
        }
        if (cpu.cpus() != null && !cpu.cpus().isBlank()) {
            write(dir, "cpuset", "cpuset.cpus", cpu.cpus());
        }
        if (cpu.mems() != null && !cpu.mems().isBlank()) {
            write(dir, "cpuset", "cpuset.mems", cpu.mems());
        }
    }

    private static boolean isSet(Long value) {
        return value != null && value != 0;
    }

    /**
     * v1 shares (2..262144, default 1024) mapped linearly onto v2 weights (1..10000, default
     * 100), the conversion runc and crun have long used, so a `--cpu-shares` means the same on
     * either version.
     */
    static long cpuWeight(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    /**
     * cpu.max is "QUOTA PERIOD" in one write; a part the spec leaves out keeps its current
     * value ({@code current} is what cpu.max holds now). A quota of -1 is "max".
     */
    static String cpuMax(Long quota, Long period, String[] current) {
        String quotaPart = isSet(quota) ? (quota < 0 ? "max" : quota.toString())
                : current.length > 0 ? current[0] : "max";
        String periodPart = isSet(period) ? period.toString()
                : current.length > 1 ? current[1] : "100000";
        return quotaPart + " " + periodPart;
    }

    /** The blkio weight (10..1000) goes to io.bfq.weight as is, or to io.weight scaled. */
    private void applyIoWeight(Path dir, int weight) {
        if (tree.has(dir, "io.bfq.weight")) {
            tree.write(dir, "io.bfq.weight", Integer.toString(weight));
        } else if (tree.has(dir, "io.weight")) {
            tree.write(dir, "io.weight", Long.toString(ioWeight(weight)));
        } else {
            log().log(System.Logger.Level.WARNING, "block IO weight {0} ignored: {1} has no"
                    + " io.weight", weight, dir);
        }
    }

    /** blkio's 10..1000 onto io.weight's 1..10000, linearly, as runc does. */
    static long ioWeight(int blkioWeight) {
        return 1 + ((long) blkioWeight - 10) * 9999 / 990;
    }

    /** Raw v2 files from linux.resources.unified: plain names in the cgroup's own directory. */
    private void applyUnified(Path dir, Map<String, String> unified) {
        for (Map.Entry<String, String> entry : unified.entrySet()) {
            String file = entry.getKey();
            if (file.contains("/") || file.startsWith(".") || !file.contains(".")) {
                throw new CgroupException("linux.resources.unified key " + file
                        + " is not a cgroup file name");
            }
            tree.write(dir, file, entry.getValue());
        }
    }

    private static String max(long value) {
        return value < 0 ? "max" : Long.toString(value);
    }

    private String read(Path dir, String controller, String file) {
        requireController(dir, controller, file);
        return tree.read(dir, file);
    }

    private void write(Path dir, String controller, String file, String value) {
        requireController(dir, controller, file);
        tree.write(dir, file, value);
    }

    private void requireController(Path dir, String controller, String file) {
        if (!tree.has(dir, file)) {
            throw new CgroupException("cannot set " + file + " in " + dir + ": the " + controller
                    + " controller is not enabled there (is it in " + tree.root()
                    + "/cgroup.subtree_control?)", Errno.ENOENT, null);
        }
    }

    @Override
    public List<Long> pids(String cgroupsPath) {
        Path dir = CgroupPath.parse(cgroupsPath).in(tree.root());
        return tree.read(dir, PROCS).lines().filter(l -> !l.isBlank()).map(Long::parseLong)
                .toList();
    }

    /** Writes cgroup.freeze and waits for cgroup.events to report the state reached. */
    @Override
    public void freeze(String cgroupsPath, boolean frozen) {
        Path dir = existing(cgroupsPath);
        long wanted = frozen ? 1 : 0;
        tree.write(dir, "cgroup.freeze", Long.toString(wanted));
        boolean settled = Retry.until(timeout,
                () -> KeyedFile.value(tree.read(dir, "cgroup.events"), "frozen") == wanted);
        if (!settled) {
            if (frozen) {
                tree.write(dir, "cgroup.freeze", "0");
            }
            throw new CgroupException("cgroup.events of " + dir + " did not report frozen "
                    + wanted + " within " + timeout.toMillis() + " ms", Errno.EBUSY, null);
        }
    }

    @Override
    public boolean oomKilled(String cgroupsPath) {
        Path dir = CgroupPath.parse(cgroupsPath).in(tree.root());
        return tree.has(dir, "memory.events")
                && KeyedFile.value(tree.read(dir, "memory.events"), "oom_kill") > 0;
    }

    @Override
    public void destroy(String cgroupsPath) {
        Path dir = CgroupPath.parse(cgroupsPath).in(tree.root());
        Retry.whileBusy(timeout, () -> tree.removeTree(dir));
    }

    @Override
    public Stats stats(String cgroupsPath) {
        Path dir = CgroupPath.parse(cgroupsPath).in(tree.root());
        long usec = tree.has(dir, "cpu.stat")
                ? KeyedFile.value(tree.read(dir, "cpu.stat"), "usage_usec") : -1;
        return new Stats(number(dir, "memory.current"), number(dir, "memory.max"),
                usec < 0 ? Stats.UNKNOWN : usec * 1000, number(dir, "pids.current"));
    }

    /** A single-number file; "max" and a missing file are both {@link Stats#UNKNOWN}. */
    private long number(Path dir, String file) {
        if (!tree.has(dir, file)) {
            return Stats.UNKNOWN;
        }
        String value = tree.read(dir, file);
        return value.equals("max") ? Stats.UNKNOWN : Long.parseLong(value);
    }
}
