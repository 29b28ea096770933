package io.berth.cgroups;

/**
 * What a cgroup has used, for {@code berth stats}. A value the host does not account (a
 * controller that is not mounted or not enabled) is -1; so is a memory limit that is unlimited.
 *
 * @param memoryUsage bytes of memory charged to the cgroup now
 * @param memoryLimit the memory limit in bytes, -1 when unlimited
 * @param cpuUsageNanos CPU time used by the cgroup's processes since it was made, nanoseconds
 * @param pidsCurrent tasks (threads included) in the cgroup now
 */
public record Stats(long memoryUsage, long memoryLimit, long cpuUsageNanos, long pidsCurrent) {

    /** A value the host does not account. */
    public static final long UNKNOWN = -1;
}
