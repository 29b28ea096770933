package io.berth.engine;

import io.berth.convert.ContainerRequest;
import io.berth.convert.DeviceMapping;
import io.berth.convert.Resources;
import io.berth.convert.Ulimit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource and privilege fields of `docker inspect`'s HostConfig, with docker's names and
 * its zero values for what was not asked for, so templates such as {{.HostConfig.Memory}} work.
 */
final class HostConfigFields {
    private HostConfigFields() {
    }

    static Map<String, Object> of(ContainerRequest req) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("Privileged", req.privileged());
        h.put("ReadonlyRootfs", req.readonlyRootfs());
        h.put("CapAdd", req.capAdd());
        h.put("CapDrop", req.capDrop());
        h.put("SecurityOpt", req.securityOpt());
        h.put("GroupAdd", req.groupAdd());
        h.put("Tmpfs", req.tmpfs());
        h.put("ShmSize", orZero(req.shmSize()) == 0 ? Resources.DEFAULT_SHM_SIZE
                : req.shmSize());
        h.put("Sysctls", req.sysctls());
        h.put("OomScoreAdj", orZero(req.oomScoreAdj()));
        h.put("Memory", orZero(req.memory()));
        Long swap = Resources.effectiveSwap(req);
        h.put("MemorySwap", swap == null ? 0 : swap);
        h.put("MemoryReservation", orZero(req.memoryReservation()));
        h.put("NanoCpus", orZero(req.nanoCpus()));
        h.put("CpuShares", orZero(req.cpuShares()));
        h.put("CpuQuota", orZero(req.cpuQuota()));
        h.put("CpuPeriod", orZero(req.cpuPeriod()));
        h.put("CpusetCpus", req.cpusetCpus() == null ? "" : req.cpusetCpus());
        h.put("CpusetMems", req.cpusetMems() == null ? "" : req.cpusetMems());
        h.put("PidsLimit", req.pidsLimit());
        h.put("BlkioWeight", orZero(req.blkioWeight()));
        h.put("Ulimits", req.ulimits() == null ? null : req.ulimits().stream()
                .map(HostConfigFields::ulimit).toList());
        h.put("Devices", req.devices() == null ? List.of() : req.devices().stream()
                .map(HostConfigFields::device).toList());
        return h;
    }

    private static Map<String, Object> ulimit(Ulimit u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", u.name());
        m.put("Hard", u.hard());
        m.put("Soft", u.soft());
        return m;
    }

    private static Map<String, Object> device(DeviceMapping d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("PathOnHost", d.pathOnHost());
        m.put("PathInContainer", d.pathInContainer());
        m.put("CgroupPermissions", d.cgroupPermissions());
        return m;
    }

    private static long orZero(Number n) {
        return n == null ? 0 : n.longValue();
    }
}
