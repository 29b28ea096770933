package io.berth.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.convert.ContainerRequest;
import io.berth.convert.DeviceMapping;
import io.berth.convert.Ulimit;
import io.berth.convert.ExposedPorts;
import io.berth.convert.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /containers/create}, as far as Berth acts on it. It becomes the same
 * {@link ContainerRequest} the CLI's flags become, so both behave alike. Every field may be
 * null (docker-java sends null for nearly all), and "" or 0 mean unset (the CLI's habit).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record CreateBody(
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("Domainname") String domainname,
        @JsonProperty("User") String user,
        @JsonProperty("Tty") Boolean tty,
        @JsonProperty("OpenStdin") Boolean openStdin,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Image") String image,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") String stopSignal,
        @JsonProperty("StopTimeout") Integer stopTimeout,
        @JsonProperty("MacAddress") String macAddress,
        @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
        @JsonProperty("Volumes") Map<String, Object> volumes,
        @JsonProperty("HostConfig") HostConfig hostConfig,
        @JsonProperty("NetworkingConfig") NetworkingConfig networkingConfig) {

    /** The parts of HostConfig Berth acts on. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record HostConfig(
            @JsonProperty("AutoRemove") Boolean autoRemove,
            @JsonProperty("NetworkMode") String networkMode,
            @JsonProperty("PidMode") String pidMode,
            @JsonProperty("IpcMode") String ipcMode,
            @JsonProperty("UTSMode") String utsMode,
            @JsonProperty("UsernsMode") String usernsMode,
            @JsonProperty("CgroupnsMode") String cgroupnsMode,
            @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
            @JsonProperty("PublishAllPorts") Boolean publishAllPorts,
            @JsonProperty("ExtraHosts") List<String> extraHosts,
            @JsonProperty("Dns") List<String> dns,
            @JsonProperty("DnsSearch") List<String> dnsSearch,
            @JsonProperty("DnsOptions") List<String> dnsOptions,
            @JsonProperty("LogConfig") LogConfig logConfig,
            @JsonProperty("Binds") List<String> binds,
            @JsonProperty("Mounts") List<MountBody> mounts,
            @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
            @JsonProperty("Tmpfs") Map<String, String> tmpfs,
            @JsonProperty("Memory") Long memory,
            @JsonProperty("MemorySwap") Long memorySwap,
            @JsonProperty("MemoryReservation") Long memoryReservation,
            @JsonProperty("NanoCpus") Long nanoCpus,
            @JsonProperty("CpuShares") Long cpuShares,
            @JsonProperty("CpuQuota") Long cpuQuota,
            @JsonProperty("CpuPeriod") Long cpuPeriod,
            @JsonProperty("CpusetCpus") String cpusetCpus,
            @JsonProperty("CpusetMems") String cpusetMems,
            @JsonProperty("PidsLimit") Long pidsLimit,
            @JsonProperty("Devices") List<DeviceBody> devices,
            @JsonProperty("Privileged") Boolean privileged,
            @JsonProperty("CapAdd") List<String> capAdd,
            @JsonProperty("CapDrop") List<String> capDrop,
            @JsonProperty("SecurityOpt") List<String> securityOpt,
            @JsonProperty("GroupAdd") List<String> groupAdd,
            @JsonProperty("ReadonlyRootfs") Boolean readonlyRootfs,
            @JsonProperty("Init") Boolean init,
            @JsonProperty("Ulimits") List<UlimitBody> ulimits,
            @JsonProperty("ShmSize") Long shmSize,
            @JsonProperty("OomScoreAdj") Integer oomScoreAdj,
            @JsonProperty("Sysctls") Map<String, String> sysctls,
            @JsonProperty("BlkioWeight") Integer blkioWeight) {
    }

    /** One of HostConfig.Ulimits, as --ulimit sends it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record UlimitBody(@JsonProperty("Name") String name, @JsonProperty("Soft") Long soft,
            @JsonProperty("Hard") Long hard) {
        Ulimit asUlimit() {
            long s = soft == null ? 0 : soft;
            return new Ulimit(name == null ? "" : name, s, hard == null ? s : hard);
        }
    }

    /** One of HostConfig.Devices, as --device sends it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeviceBody(@JsonProperty("PathOnHost") String pathOnHost,
            @JsonProperty("PathInContainer") String pathInContainer,
            @JsonProperty("CgroupPermissions") String cgroupPermissions) {
        DeviceMapping asMapping() {
            String inContainer = pathInContainer == null || pathInContainer.isEmpty()
                    ? pathOnHost : pathInContainer;
            String perms = cgroupPermissions == null || cgroupPermissions.isEmpty() ? "rwm"
                    : cgroupPermissions;
            return new DeviceMapping(pathOnHost == null ? "" : pathOnHost, inContainer, perms);
        }
    }

    /** One of HostConfig.Mounts: Berth takes types bind and volume. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MountBody(@JsonProperty("Type") String type, @JsonProperty("Source") String source,
            @JsonProperty("Target") String target, @JsonProperty("ReadOnly") Boolean readOnly,
            @JsonProperty("VolumeOptions") VolumeOptions volumeOptions) {

        /** The Binds string's mode: ro, nocopy, both or neither. */
        String mode() {
            List<String> options = new ArrayList<>();
            if (Boolean.TRUE.equals(readOnly)) {
                options.add("ro");
            }
            if (volumeOptions != null && Boolean.TRUE.equals(volumeOptions.noCopy())) {
                options.add("nocopy");
            }
            return options.isEmpty() ? "" : ":" + String.join(",", options);
        }
    }

    /** A volume Mount's options: NoCopy leaves a new volume empty. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record VolumeOptions(@JsonProperty("NoCopy") Boolean noCopy) {
    }

    /** docker's --log-driver and --log-opt. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record LogConfig(@JsonProperty("Type") String type,
            @JsonProperty("Config") Map<String, String> config) {
    }

    /** docker's --restart as the API spells it: a name, and a count for on-failure. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RestartPolicy(@JsonProperty("Name") String name,
            @JsonProperty("MaximumRetryCount") Integer maximumRetryCount) {

        /** The CLI's spelling (on-failure:N), or null for none. */
        String asFlag() {
            if (name == null || name.isEmpty() || name.equals("no")) {
                return null;
            }
            boolean counted = name.equals("on-failure") && maximumRetryCount != null
                    && maximumRetryCount > 0;
            return counted ? name + ":" + maximumRetryCount : name;
        }
    }

    /** One host side of a published port; "" means any address, or a free port. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PortBinding(@JsonProperty("HostIp") String hostIp,
            @JsonProperty("HostPort") String hostPort) {
    }

    /** Per-network endpoint settings; Berth reads the aliases and a fixed address. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record NetworkingConfig(
            @JsonProperty("EndpointsConfig") Map<String, EndpointConfig> endpointsConfig) {
    }

    /** One network's endpoint settings. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record EndpointConfig(@JsonProperty("Aliases") List<String> aliases,
            @JsonProperty("IPAMConfig") IpamConfig ipamConfig) {
    }

    /** A fixed address asked for on a network. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record IpamConfig(@JsonProperty("IPv4Address") String ipv4Address) {
    }

    /** The request this body asks for; {@code name} comes from the query. */
    ContainerRequest toRequest(String name) {
        HostConfig host = hostConfig == null ? new HostConfig(null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null) : hostConfig;
        LogConfig log = host.logConfig() == null ? new LogConfig(null, null) : host.logConfig();
        EndpointConfig endpoint = endpoint(host.networkMode());
        return ContainerRequest.builder(image)
                .name(blank(name))
                .hostname(blank(hostname))
                .domainname(blank(domainname))
                .user(blank(user))
                .tty(Boolean.TRUE.equals(tty))
                .openStdin(Boolean.TRUE.equals(openStdin))
                .env(empty(env))
                .cmd(empty(cmd))
                .entrypoint(resetOrEntrypoint())
                .workingDir(blank(workingDir))
                .labels(labels == null || labels.isEmpty() ? null : labels)
                .stopSignal(blank(stopSignal))
                .stopTimeout(stopTimeout)
                .macAddress(blank(macAddress))
                .autoRemove(Boolean.TRUE.equals(host.autoRemove()))
                .restartPolicy(host.restartPolicy() == null ? null
                        : host.restartPolicy().asFlag())
                .networkMode(blank(host.networkMode()))
                .pidMode(blank(host.pidMode()))
                .ipcMode(blank(host.ipcMode()))
                .utsMode(blank(host.utsMode()))
                .usernsMode(blank(host.usernsMode()))
                .cgroupnsMode(blank(host.cgroupnsMode()))
                .publish(publish(host.portBindings()))
                .publishAll(Boolean.TRUE.equals(host.publishAllPorts()))
                .expose(exposedPorts == null ? null
                        : ExposedPorts.parse(List.copyOf(exposedPorts.keySet())))
                .extraHosts(empty(host.extraHosts()))
                .dns(empty(host.dns()))
                .dnsSearch(empty(host.dnsSearch()))
                .dnsOptions(empty(host.dnsOptions()))
                .logDriver(blank(log.type()))
                .logOpts(log.config() == null || log.config().isEmpty() ? null : log.config())
                .binds(binds(host))
                .tmpfs(host.tmpfs() == null || host.tmpfs().isEmpty() ? null : host.tmpfs())
                .memory(set(host.memory()))
                .memorySwap(set(host.memorySwap()))
                .memoryReservation(set(host.memoryReservation()))
                .nanoCpus(set(host.nanoCpus()))
                .cpuShares(set(host.cpuShares()))
                .cpuQuota(set(host.cpuQuota()))
                .cpuPeriod(set(host.cpuPeriod()))
                .cpusetCpus(blank(host.cpusetCpus()))
                .cpusetMems(blank(host.cpusetMems()))
                .pidsLimit(set(host.pidsLimit()))
                .devices(host.devices() == null || host.devices().isEmpty() ? null
                        : host.devices().stream().map(DeviceBody::asMapping).toList())
                .privileged(Boolean.TRUE.equals(host.privileged()))
                .capAdd(empty(host.capAdd()))
                .capDrop(empty(host.capDrop()))
                .securityOpt(empty(host.securityOpt()))
                .groupAdd(empty(host.groupAdd()))
                .readonlyRootfs(Boolean.TRUE.equals(host.readonlyRootfs()))
                .init(Boolean.TRUE.equals(host.init()))
                .ulimits(host.ulimits() == null || host.ulimits().isEmpty() ? null
                        : host.ulimits().stream().map(UlimitBody::asUlimit).toList())
                .shmSize(set(host.shmSize()))
                .oomScoreAdj(host.oomScoreAdj() == null || host.oomScoreAdj() == 0 ? null
                        : host.oomScoreAdj())
                .sysctls(host.sysctls() == null || host.sysctls().isEmpty() ? null
                        : host.sysctls())
                .blkioWeight(host.blkioWeight() == null || host.blkioWeight() == 0 ? null
                        : host.blkioWeight())
                .volumes(anonymousVolumes())
                .networkAliases(endpoint == null ? null : empty(endpoint.aliases()))
                .ipAddress(endpoint == null || endpoint.ipamConfig() == null ? null
                        : blank(endpoint.ipamConfig().ipv4Address()))
                .build();
    }

    /** docker's CLI sends 0 for a limit it was not given: no limit, as null is here. */
    private static Long set(Long limit) {
        return limit == null || limit == 0 ? null : limit;
    }

    /**
     * Binds, then the bind Mounts and the named volume Mounts as Binds strings; other mount
     * types are refused.
     */
    private static List<String> binds(HostConfig host) {
        List<String> binds = new ArrayList<>(host.binds() == null ? List.of() : host.binds());
        for (MountBody m : host.mounts() == null ? List.<MountBody>of() : host.mounts()) {
            if (!"bind".equals(m.type()) && !"volume".equals(m.type())) {
                throw new InvalidRequestException("mount type " + m.type()
                        + " is not supported yet (bind and volume)");
            }
            if ("volume".equals(m.type()) && m.source() != null && m.source().contains("/")) {
                throw new InvalidRequestException("invalid mount config for type \"volume\":"
                        + " invalid volume name " + m.source() + ": a volume's Source is a"
                        + " name, not a path");
            }
            if (!anonymous(m)) {
                binds.add(m.source() + ":" + m.target() + m.mode());
            }
        }
        return binds.isEmpty() ? null : binds;
    }

    /** A volume Mount with no Source: the container's own volume, as -v /path makes. */
    private static boolean anonymous(MountBody m) {
        return "volume".equals(m.type()) && (m.source() == null || m.source().isEmpty());
    }

    /** Config.Volumes' paths, then the anonymous volume Mounts' targets. */
    private List<String> anonymousVolumes() {
        List<String> paths = new ArrayList<>(volumes == null ? List.of() : volumes.keySet());
        List<MountBody> mounts = hostConfig == null || hostConfig.mounts() == null ? List.of()
                : hostConfig.mounts();
        for (MountBody m : mounts) {
            if (anonymous(m)) {
                if (!m.mode().isEmpty()) {
                    // Not yet: readonly or nocopy anonymous volumes; Config.Volumes has no mode.
                    throw new InvalidRequestException("invalid mount config for type"
                            + " \"volume\": ReadOnly and NoCopy need a Source (a name)");
                }
                paths.add(m.target());
            }
        }
        return paths.isEmpty() ? null : paths;
    }

    /** docker's `--entrypoint ""` arrives as [""]: it resets the image's entrypoint. */
    private List<String> resetOrEntrypoint() {
        if (entrypoint == null || entrypoint.isEmpty()) {
            return null;
        }
        return entrypoint.size() == 1 && entrypoint.getFirst().isEmpty() ? List.of()
                : entrypoint;
    }

    private EndpointConfig endpoint(String networkMode) {
        if (networkingConfig == null || networkingConfig.endpointsConfig() == null) {
            return null;
        }
        Map<String, EndpointConfig> all = networkingConfig.endpointsConfig();
        EndpointConfig named = networkMode == null ? null : all.get(networkMode);
        return named != null ? named : all.values().stream().findFirst().orElse(null);
    }

    /**
     * PortBindings as docker's -p strings ([IP:]HOSTPORT:PORT/PROTO, "" host port = a free
     * one). Exposed ports without a binding the engine publishes itself under
     * PublishAllPorts, the body's as the image's (Testcontainers asks that way).
     */
    static List<String> publish(Map<String, List<PortBinding>> bindings) {
        List<String> out = new ArrayList<>();
        Map<String, List<PortBinding>> bound = bindings == null ? Map.of() : bindings;
        bound.forEach((port, hosts) -> {
            String key = withProtocol(port);
            if (hosts == null || hosts.isEmpty()) {
                out.add(":" + key);
                return;
            }
            for (PortBinding b : hosts) {
                String ip = b == null || b.hostIp() == null ? "" : b.hostIp();
                String hostPort = b == null || b.hostPort() == null ? "" : b.hostPort();
                out.add((ip.isEmpty() ? "" : ip + ":") + hostPort + ":" + key);
            }
        });
        return out.isEmpty() ? null : out;
    }

    private static String withProtocol(String port) {
        return port.contains("/") ? port : port + "/tcp";
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static List<String> empty(List<String> l) {
        return l == null || l.isEmpty() ? null : l;
    }
}
