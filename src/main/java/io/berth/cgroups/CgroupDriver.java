package io.berth.cgroups;

import io.berth.spec.Spec;
import java.util.List;

/**
 * A container's cgroup, on cgroup v1 (one hierarchy per controller) or v2 (unified). Every path
 * this driver touches lies under Berth's own parent, {@code berth/}: a cgroupsPath outside it
 * is refused, and nothing else in the hierarchy is ever written.
 */
public interface CgroupDriver {

    /** "v1" or "v2". */
    String version();

    /**
     * Creates the cgroup named by a spec's cgroupsPath (e.g. "/berth/ID" or "berth/ID") with the
     * given limits; resources may be null for none.
     */
    void create(String cgroupsPath, Spec.Resources resources);

    /** Moves a process into the cgroup (in every controller's hierarchy on v1). */
    void addProcess(String cgroupsPath, long pid);

    /** Changes the limits of an existing cgroup. */
    void update(String cgroupsPath, Spec.Resources resources);

    /** The pids now in the cgroup. */
    List<Long> pids(String cgroupsPath);

    /** Freezes or thaws every process in the cgroup. */
    void freeze(String cgroupsPath, boolean frozen);

    /** Whether the cgroup's memory controller has recorded an OOM kill. */
    boolean oomKilled(String cgroupsPath);

    /**
     * Removes the cgroup (and any cgroups the container made below it); a missing one is fine.
     * Retries briefly while just-killed processes leave, then fails with EBUSY while processes
     * remain.
     */
    void destroy(String cgroupsPath);

    /** Memory, CPU and pids accounting of the cgroup, for {@code berth stats}. */
    Stats stats(String cgroupsPath);

    /** The driver for what this host mounts: v1 if per-controller hierarchies exist, else v2. */
    static CgroupDriver detect() {
        return CgroupDrivers.detect();
    }
}
