package io.berth.convert;

import io.berth.spec.Spec;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's resource flags and their HostConfig fields (Memory, MemorySwap, NanoCpus, ...) as the
 * runtime spec's linux.resources, with docker's checks and docker's messages when they fail.
 */
public final class Resources {
    /** The kernel's memory cgroup needs some room for the container's own set-up. */
    static final long MIN_MEMORY = 6L << 20;
    /** CFS period docker uses to turn --cpus into a quota: 100ms. */
    public static final long DEFAULT_CPU_PERIOD = 100_000;
    /** /dev/shm's size when --shm-size is not given. */
    public static final long DEFAULT_SHM_SIZE = 64L << 20;
    private static final long NANOS = 1_000_000_000L;

    private static final Pattern SIZE = Pattern.compile(
            "^(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    private Resources() {
    }

    /**
     * Docker's RAMInBytes: a number with an optional binary unit, {@code 512m}, {@code 1g},
     * {@code 1.5GiB}, {@code 1024}.
     */
    public static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new InvalidRequestException("invalid size: '" + text + "'");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        return number.multiply(BigDecimal.valueOf(1L << shift)).longValue();
    }

    /** A memory flag that also takes -1 for unlimited (--memory-swap). */
    public static long parseBytesOrUnlimited(String text) {
        return "-1".equals(text.strip()) ? -1 : parseBytes(text);
    }

    /** Docker's --cpus: a decimal number of CPUs as billionths (NanoCpus). */
    public static long parseCpus(String text) {
        try {
            BigDecimal cpus = new BigDecimal(text.strip());
            return cpus.multiply(BigDecimal.valueOf(NANOS)).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidRequestException("invalid argument \"" + text
                    + "\" for \"--cpus\" flag: failed to parse " + text + " as a rational number");
        }
    }

    /**
     * The memory-plus-swap total docker records: -1 (unlimited) or the given total, and twice
     * the memory limit when only that is given; null when memory is not limited.
     */
    public static Long effectiveSwap(ContainerRequest req) {
        if (isSet(req.memorySwap())) {
            return req.memorySwap();
        }
        return isSet(req.memory()) ? req.memory() * 2 : null;
    }

    /**
     * The request's limits as linux.resources, device rules aside; null when it sets none.
     *
     * @throws InvalidRequestException with docker's message when a limit is impossible
     */
    public static Spec.Resources limits(ContainerRequest req, Host host) {
        check(req, host);
        Spec.Memory memory = memory(req);
        Spec.Cpu cpu = cpu(req);
        Spec.Pids pids = req.pidsLimit() == null || req.pidsLimit() == 0 ? null
                : new Spec.Pids(req.pidsLimit() < 0 ? -1 : req.pidsLimit());
        // Docker warns and discards the weight where the kernel cannot weigh (this host).
        Spec.BlockIO blockIO = isSet(req.blkioWeight()) && host.blkioWeight()
                ? new Spec.BlockIO(req.blkioWeight()) : null;
        if (memory == null && cpu == null && pids == null && blockIO == null) {
            return null;
        }
        return new Spec.Resources(null, memory, cpu, pids, blockIO, null);
    }

    private static Spec.Memory memory(ContainerRequest req) {
        Long limit = isSet(req.memory()) ? req.memory() : null;
        Long reservation = isSet(req.memoryReservation()) ? req.memoryReservation() : null;
        Long swap = effectiveSwap(req);
        if (limit == null && reservation == null && swap == null) {
            return null;
        }
        return new Spec.Memory(limit, reservation, swap, null, null);
    }

    private static Spec.Cpu cpu(ContainerRequest req) {
        Long quota = isSet(req.cpuQuota()) ? req.cpuQuota() : null;
        Long period = isSet(req.cpuPeriod()) ? req.cpuPeriod() : null;
        if (isSet(req.nanoCpus())) {
            period = DEFAULT_CPU_PERIOD;
            quota = req.nanoCpus() * DEFAULT_CPU_PERIOD / NANOS;
        }
        Long shares = isSet(req.cpuShares()) ? req.cpuShares() : null;
        String cpus = blankToNull(req.cpusetCpus());
        String mems = blankToNull(req.cpusetMems());
        if (quota == null && period == null && shares == null && cpus == null && mems == null) {
            return null;
        }
        return new Spec.Cpu(shares, quota, period, cpus, mems);
    }

    private static void check(ContainerRequest req, Host host) {
        long memory = orZero(req.memory());
        long swap = orZero(req.memorySwap());
        long reservation = orZero(req.memoryReservation());
        require(memory == 0 || memory >= MIN_MEMORY, "Minimum memory limit allowed is 6MB");
        require(swap <= 0 || memory > 0, "You should always set the Memory limit when using "
                + "Memoryswap limit, see usage");
        require(swap <= 0 || swap >= memory, "Minimum memoryswap limit should be larger than "
                + "memory limit, see usage");
        require(reservation == 0 || reservation >= MIN_MEMORY,
                "Minimum memory reservation allowed is 6MB");
        require(memory == 0 || reservation <= memory, "Minimum memory limit can not be less "
                + "than memory reservation limit, see usage");
        checkCpu(req, host);
        long weight = orZero(req.blkioWeight());
        require(weight == 0 || (weight >= 10 && weight <= 1000),
                "Range of blkio weight is from 10 to 1000");
    }

    private static void checkCpu(ContainerRequest req, Host host) {
        long nanos = orZero(req.nanoCpus());
        long period = orZero(req.cpuPeriod());
        long quota = orZero(req.cpuQuota());
        require(nanos == 0 || period == 0,
                "Conflicting options: Nano CPUs and CPU Period cannot both be set");
        require(nanos == 0 || quota == 0,
                "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        int cpus = host.cpus();
        require(nanos >= 0 && nanos <= cpus * NANOS, "Range of CPUs is from 0.01 to " + cpus
                + ".00, as there are only " + cpus + " CPUs available");
        require(period == 0 || (period >= 1000 && period <= 1_000_000), "CPU cfs period can "
                + "not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        require(quota <= 0 || quota >= 1000, "CPU cfs quota can not be less than 1ms "
                + "(i.e. 1000)");
        require(orZero(req.cpuShares()) >= 0, "invalid CPU shares " + req.cpuShares()
                + ": must not be negative");
        String cpuset = blankToNull(req.cpusetCpus());
        String available = cpus == 1 ? "0" : "0-" + (cpus - 1);
        require(cpuset == null || highestIn(cpuset, "cpuset cpus") < cpus,
                "Requested CPUs are not available "
                + "- requested " + cpuset + ", available: " + available);
        String mems = blankToNull(req.cpusetMems());
        String nodes = host.memoryNodes();
        require(mems == null || highestIn(mems, "cpuset mems") <= highestIn(nodes, "nodes"),
                "Requested memory nodes are not available - requested " + mems
                        + ", available: " + nodes);
    }

    /** The highest number of a list such as "0-2,4". */
    private static int highestIn(String list, String what) {
        if (!list.matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
            throw new InvalidRequestException("Invalid value " + list + " for " + what);
        }
        int highest = 0;
        for (String part : list.split("[,-]")) {
            highest = Math.max(highest, Integer.parseInt(part));
        }
        return highest;
    }


    static void require(boolean condition, String message) {
        if (!condition) {
            throw new InvalidRequestException(message);
        }
    }

    private static boolean isSet(Number n) {
        return n != null && n.longValue() != 0;
    }

    private static long orZero(Number n) {
        return n == null ? 0 : n.longValue();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
