package io.berth.convert;

/**
 * What {@code docker update} may change of a container: its resource limits, in HostConfig's
 * names and units. Null leaves a limit as it is.
 */
public record ResourceUpdate(
        Long memory,
        Long memorySwap,
        Long memoryReservation,
        Long nanoCpus,
        Long cpuShares,
        Long cpuQuota,
        Long cpuPeriod,
        String cpusetCpus,
        String cpusetMems,
        Long pidsLimit,
        Integer blkioWeight) {

    /** Whether nothing would change. */
    public boolean isEmpty() {
        return memory == null && memorySwap == null && memoryReservation == null
                && nanoCpus == null && cpuShares == null && cpuQuota == null && cpuPeriod == null
                && cpusetCpus == null && cpusetMems == null && pidsLimit == null
                && blkioWeight == null;
    }

    /**
     * The request with these limits. As with docker, a pids limit of 0 lifts the limit, and
     * memory changed alone keeps swap at twice the memory when swap was never set.
     */
    public ContainerRequest applyTo(ContainerRequest req) {
        ContainerRequest.Builder b = req.toBuilder();
        if (memory != null) {
            b.memory(memory);
        }
        if (memorySwap != null) {
            b.memorySwap(memorySwap);
        }
        if (memoryReservation != null) {
            b.memoryReservation(memoryReservation);
        }
        if (nanoCpus != null) {
            b.nanoCpus(nanoCpus);
        }
        if (cpuShares != null) {
            b.cpuShares(cpuShares);
        }
        if (cpuQuota != null) {
            b.cpuQuota(cpuQuota);
        }
        if (cpuPeriod != null) {
            b.cpuPeriod(cpuPeriod);
        }
        if (cpusetCpus != null) {
            b.cpusetCpus(cpusetCpus);
        }
        if (cpusetMems != null) {
            b.cpusetMems(cpusetMems);
        }
        if (pidsLimit != null) {
            b.pidsLimit(pidsLimit == 0 ? -1 : pidsLimit);
        }
        if (blkioWeight != null) {
            b.blkioWeight(blkioWeight);
        }
        return b.build();
    }
}
