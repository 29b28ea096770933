package io.berth.cli;

import io.berth.convert.ContainerRequest;
import io.berth.convert.DeviceMapping;
import io.berth.convert.Host;
import io.berth.convert.Resources;
import io.berth.convert.Ulimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The resource and privilege flags of `run` and `create`: docker's, with docker's units. */
final class WallFlags {
    @Option(names = {"-m", "--memory"}, description = "Memory limit (e.g. 512m, 1g).")
    String memory;

    @Option(names = "--memory-swap", description = "Memory plus swap limit; -1 for unlimited.")
    String memorySwap;

    @Option(names = "--memory-reservation", description = "Memory soft limit.")
    String memoryReservation;

    @Option(names = "--cpus", description = "Number of CPUs (e.g. 1.5).")
    String cpus;

    @Option(names = {"-c", "--cpu-shares"}, description = "CPU shares (relative weight).")
    Long cpuShares;

    @Option(names = "--cpu-quota", description = "Limit CPU CFS quota (microseconds).")
    Long cpuQuota;

    @Option(names = "--cpu-period", description = "Limit CPU CFS period (microseconds).")
    Long cpuPeriod;

    @Option(names = "--cpuset-cpus", description = "CPUs in which to allow execution (0-3, 0,1).")
    String cpusetCpus;

    @Option(names = "--cpuset-mems", description = "Memory nodes in which to allow execution.")
    String cpusetMems;

    @Option(names = "--pids-limit", description = "Tune container pids limit (-1 unlimited).")
    Long pidsLimit;

    @Option(names = "--blkio-weight", description = "Block IO weight, 10 to 1000.")
    Integer blkioWeight;

    @Option(names = "--ulimit", description = "Ulimit options (e.g. nofile=1024:2048).")
    List<String> ulimits = new ArrayList<>();

    @Option(names = "--shm-size", description = "Size of /dev/shm (e.g. 128m).")
    String shmSize;

    @Option(names = "--oom-score-adj", description = "Tune host's OOM preferences (-1000 to 1000).")
    Integer oomScoreAdj;

    @Option(names = "--sysctl", description = "Sysctl options (e.g. net.ipv4.ip_forward=1).")
    List<String> sysctls = new ArrayList<>();

    @Option(names = "--device", description = "Add a host device to the container.")
    List<String> devices = new ArrayList<>();

    @Option(names = "--privileged", description = "Give extended privileges to this container.")
    boolean privileged;

    @Option(names = "--cap-add", description = "Add Linux capabilities.")
    List<String> capAdd = new ArrayList<>();

    @Option(names = "--cap-drop", description = "Drop Linux capabilities.")
    List<String> capDrop = new ArrayList<>();

    @Option(names = "--group-add", description = "Add additional groups to join.")
    List<String> groupAdd = new ArrayList<>();

    @Option(names = "--security-opt", description = "Security options: seccomp=unconfined|FILE, "
            + "no-new-privileges.")
    List<String> securityOpt = new ArrayList<>();

    @Option(names = "--read-only",
            description = "Mount the container's root filesystem as read only.")
    boolean readOnly;

    @Option(names = "--tmpfs", description = "Mount a tmpfs directory (e.g. /run:size=1m).")
    List<String> tmpfs = new ArrayList<>();

    /** Adds these flags to a request being built. */
    ContainerRequest.Builder applyTo(ContainerRequest.Builder b) {
        if (blkioWeight != null && blkioWeight != 0 && !Host.linux().blkioWeight()) {
            System.err.println("WARNING: Your kernel does not support Block I/O weight or the "
                    + "cgroup is not mounted. Weight discarded.");
        }
        return b.memory(bytes(memory))
                .memorySwap(memorySwap == null ? null
                        : Resources.parseBytesOrUnlimited(memorySwap))
                .memoryReservation(bytes(memoryReservation))
                .nanoCpus(cpus == null ? null : Resources.parseCpus(cpus))
                .cpuShares(cpuShares)
                .cpuQuota(cpuQuota)
                .cpuPeriod(cpuPeriod)
                .cpusetCpus(cpusetCpus)
                .cpusetMems(cpusetMems)
                .pidsLimit(pidsLimit)
                .blkioWeight(blkioWeight)
                .ulimits(ulimits.isEmpty() ? null : ulimits.stream().map(Ulimit::parse).toList())
                .shmSize(bytes(shmSize))
                .oomScoreAdj(oomScoreAdj)
                .sysctls(keyValues(sysctls, "--sysctl"))
                .devices(devices.isEmpty() ? null
                        : devices.stream().map(DeviceMapping::parse).toList())
                .privileged(privileged)
                .capAdd(capAdd.isEmpty() ? null : List.copyOf(capAdd))
                .groupAdd(groupAdd.isEmpty() ? null : List.copyOf(groupAdd))
                .capDrop(capDrop.isEmpty() ? null : List.copyOf(capDrop))
                .securityOpt(securityOpt.isEmpty() ? null : securityOptions())
                .readonlyRootfs(readOnly)
                .tmpfs(tmpfsMap());
    }

    static Long bytes(String value) {
        return value == null ? null : Resources.parseBytes(value);
    }

    /**
     * As docker's CLI does, a seccomp profile file is read here and its JSON sent on, so the
     * container keeps its profile even if the file goes away.
     */
    private List<String> securityOptions() {
        List<String> out = new ArrayList<>();
        for (String opt : securityOpt) {
            if (!opt.startsWith("seccomp=") && !opt.startsWith("seccomp:")) {
                out.add(opt);
                continue;
            }
            String value = opt.substring("seccomp=".length());
            if (value.equals("unconfined") || value.equals("default") || value.isEmpty()) {
                out.add("seccomp=" + value);
                continue;
            }
            try {
                out.add("seccomp=" + Files.readString(Path.of(value)));
            } catch (IOException e) {
                throw new ExitCodes.UserError("opening seccomp profile (" + value
                        + ") failed: open " + value + ": no such file or directory");
            }
        }
        return out;
    }

    private static Map<String, String> keyValues(List<String> values, String flag) {
        if (values.isEmpty()) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new ExitCodes.UserError("invalid argument \"" + v + "\" for \"" + flag
                        + "\" flag: " + v + " is not a key=value pair");
            }
            map.put(v.substring(0, eq), v.substring(eq + 1));
        }
        return map;
    }

    private Map<String, String> tmpfsMap() {
        if (tmpfs.isEmpty()) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String t : tmpfs) {
            int colon = t.indexOf(':');
            map.put(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "" : t.substring(colon + 1));
        }
        return map;
    }
}
