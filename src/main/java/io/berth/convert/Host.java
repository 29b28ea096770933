package io.berth.convert;

import io.berth.spec.Spec;
import java.util.List;
import java.util.Optional;

/**
 * What conversion must know of the machine a container runs on: which capabilities and rlimits
 * the engine itself may hand out, and which device nodes exist. Kept behind an interface so the
 * converter stays pure and is tested with made-up machines.
 */
public interface Host {

    /** The bounding set the engine runs with: no container gets a capability outside it. */
    long capabilityBoundingSet();

    /** The machine's online memory nodes as a cpuset list, e.g. "0": --cpuset-mems's bound. */
    default String memoryNodes() {
        return "0";
    }

    /** CPUs the machine has (docker's bound for --cpus). */
    int cpus();

    /**
     * The hard limit of an rlimit (RLIMIT_NOFILE, ...) for the engine's processes; -1 when
     * unlimited. Without CAP_SYS_RESOURCE nothing can raise a hard limit above it.
     */
    long hardLimit(String rlimitType);

    /** The device node at a host path (symlinks followed); empty when it is no device. */
    Optional<Spec.Device> device(String hostPath);

    /** Every device node under the host's /dev, for --privileged. */
    List<Spec.Device> devices();

    /** Whether the blkio (v1) or io (v2) controller can weigh a cgroup's disk time. */
    boolean blkioWeight();

    /** This machine, read from /proc, /dev and /sys/fs/cgroup when asked. */
    static Host linux() {
        return new LinuxHost();
    }
}
