package io.berth.convert;

import io.berth.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** The running machine as {@link Host} describes it, read afresh on every question. */
final class LinuxHost implements Host {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /** The rows of /proc/self/limits, by the rlimit each one shows. */
    private static final Map<String, String> LIMIT_ROWS = Map.ofEntries(
            Map.entry("RLIMIT_CPU", "Max cpu time"), Map.entry("RLIMIT_FSIZE", "Max file size"),
            Map.entry("RLIMIT_DATA", "Max data size"), Map.entry("RLIMIT_STACK", "Max stack size"),
            Map.entry("RLIMIT_CORE", "Max core file size"),
            Map.entry("RLIMIT_RSS", "Max resident set"), Map.entry("RLIMIT_NPROC", "Max processes"),
            Map.entry("RLIMIT_NOFILE", "Max open files"),
            Map.entry("RLIMIT_MEMLOCK", "Max locked memory"),
            Map.entry("RLIMIT_AS", "Max address space"),
            Map.entry("RLIMIT_LOCKS", "Max file locks"),
            Map.entry("RLIMIT_SIGPENDING", "Max pending signals"),
            Map.entry("RLIMIT_MSGQUEUE", "Max msgqueue size"),
            Map.entry("RLIMIT_NICE", "Max nice priority"),
            Map.entry("RLIMIT_RTPRIO", "Max realtime priority"),
            Map.entry("RLIMIT_RTTIME", "Max realtime timeout"));

    /**
     * Not devices a container should get copies of: its own pts instance, shm and mqueue, and
     * the host's console and ptmx (which would open the host's terminals), as runc skips them.
     */
    private static final Set<String> SKIPPED = Set.of("/dev/pts", "/dev/shm", "/dev/mqueue",
            "/dev/fd", "/dev/console", "/dev/ptmx", "/dev/.udev", "/dev/.lxc");

    @Override
    public long capabilityBoundingSet() {
        for (String line : lines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapBnd:")) {
                return Long.parseUnsignedLong(line.substring(7).strip(), 16);
            }
        }
        throw new IllegalStateException("/proc/self/status has no CapBnd line");
    }

    @Override
    public String memoryNodes() {
        try {
            String online = java.nio.file.Files.readString(
                    java.nio.file.Path.of("/sys/devices/system/node/online")).strip();
            return online.isEmpty() ? "0" : online;
        } catch (java.io.IOException e) {
            return "0"; // a kernel without NUMA: one node
        }
    }

    @Override
    public int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public long hardLimit(String rlimitType) {
        String row = LIMIT_ROWS.get(rlimitType);
        if (row == null) {
            throw new IllegalArgumentException("unknown rlimit " + rlimitType);
        }
        for (String line : lines(Path.of("/proc/self/limits"))) {
            if (line.startsWith(row + " ")) {
                String hard = line.substring(row.length()).strip().split("\\s+")[1];
                return "unlimited".equals(hard) ? -1 : Long.parseLong(hard);
            }
        }
        return -1;
    }

    @Override
    public Optional<Spec.Device> device(String hostPath) {
        return device(Path.of(hostPath), hostPath);
    }

    private static Optional<Spec.Device> device(Path path, String inContainer,
            LinkOption... options) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, "unix:mode,rdev,uid,gid", options);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        int mode = (Integer) a.get("mode");
        String type = switch (mode & S_IFMT) {
            case S_IFCHR -> "c";
            case S_IFBLK -> "b";
            default -> null;
        };
        if (type == null) {
            return Optional.empty();
        }
        long rdev = (Long) a.get("rdev");
        return Optional.of(new Spec.Device(type, inContainer, major(rdev), minor(rdev),
                mode & 07777, ((Integer) a.get("uid")).longValue(),
                ((Integer) a.get("gid")).longValue()));
    }

    /** glibc's gnu_dev_major: 12 bits of major split around the low minor byte. */
    static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    }

    @Override
    public List<Spec.Device> devices() {
        List<Spec.Device> found = new ArrayList<>();
        collect(Path.of("/dev"), found);
        return found;
    }

    private static void collect(Path dir, List<Spec.Device> found) {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                if (SKIPPED.contains(p.toString())) {
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    collect(p, found);
                } else {
                    device(p, p.toString(), LinkOption.NOFOLLOW_LINKS).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            // A folder that vanished or cannot be read has no devices to offer.
        }
    }

    @Override
    public boolean blkioWeight() {
        Path root = Path.of("/sys/fs/cgroup");
        if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
            return lines(root.resolve("cgroup.controllers")).stream()
                    .anyMatch(l -> List.of(l.split(" ")).contains("io"));
        }
        return Files.exists(root.resolve("blkio/blkio.weight"))
                || Files.exists(root.resolve("blkio/blkio.bfq.weight"));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }
}
