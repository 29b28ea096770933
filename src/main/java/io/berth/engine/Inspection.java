package io.berth.engine;

import io.berth.convert.Binds;
import io.berth.convert.ContainerRequest;
import io.berth.convert.SpecConverter;
import io.berth.image.Image;
import io.berth.network.Endpoint;
import io.berth.network.Network;
import io.berth.network.NetworkService;
import io.berth.network.PortMapping;
import io.berth.network.PublishedPorts;
import io.berth.spec.ImageConfig;
import io.berth.volumes.Volume;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Containers as Docker's API shows them: the objects of `docker inspect` and of
 * `GET /containers/json`, with Docker's PascalCase names, so that `--format` templates written
 * for docker work unchanged. The CLI and the API service both print these.
 */
public final class Inspection {
    /** Go's zero time, which docker prints for a time that has not happened. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private Inspection() {
    }

    /** The object `docker inspect` prints for a container. */
    public static Map<String, Object> inspect(Container c, Engine engine) {
        ContainerRequest req = c.request();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Created", time(c.record().created()));
        m.put("Path", c.args().isEmpty() ? "" : c.args().get(0));
        m.put("Args", c.args().isEmpty() ? List.of() : c.args().subList(1, c.args().size()));
        m.put("State", state(c, engine.oomKilled(c)));
        m.put("Image", c.record().imageId());
        Map<String, Object> paths = new LinkedHashMap<>();
        String dir = engine.config().root().resolve("containers").resolve(c.id()).toString();
        m.put("ResolvConfPath", dir + "/resolv.conf");
        m.put("HostnamePath", dir + "/hostname");
        m.put("HostsPath", dir + "/hosts");
        m.put("LogPath", LogSettings.of(c.request()).readable()
                ? engine.logPath(c.id()).toString() : "");
        m.put("Name", "/" + c.name());
        m.put("RestartCount", c.record().restartCount());
        m.put("Driver", "overlay");
        m.put("Platform", "linux");
        m.put("MountLabel", "");
        m.put("ProcessLabel", "");
        m.put("AppArmorProfile", "");
        m.put("ExecIDs", null);
        m.put("HostConfig", hostConfig(req));
        m.put("GraphDriver", Map.of("Name", "overlay", "Data", paths));
        m.put("Mounts", mounts(req, engine.volumeMounts(c)));
        ImageConfig image = engine.imageConfig(c);
        List<String> exposed = ContainerNetworks.exposed(req, image);
        m.put("Config", config(c, req, exposed));
        m.put("NetworkSettings", networkSettings(c.running() ? engine.endpoints(c.id())
                : List.of(), exposed));
        return m;
    }

    private static Map<String, Object> state(Container c, boolean oomKilled) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Status", c.status());
        s.put("Running", c.running());
        s.put("Paused", "paused".equals(c.status()));
        s.put("Restarting", false);
        s.put("OOMKilled", oomKilled);
        s.put("Dead", false);
        s.put("Pid", c.pid());
        s.put("ExitCode", c.exitCode());
        s.put("Error", c.error() == null ? "" : c.error());
        s.put("StartedAt", time(c.startedAt()));
        s.put("FinishedAt", time(c.finishedAt()));
        return s;
    }

    /** docker's Mounts: one entry a host path's bind, then one a volume, named or anonymous. */
    private static List<Map<String, Object>> mounts(ContainerRequest req,
            List<Engine.VolumeMount> volumes) {
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (Binds.Bind b : Binds.parse(req)) {
            if (b.volume() != null) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", "bind");
            m.put("Source", b.source().toString());
            m.put("Destination", b.destination());
            m.put("Mode", b.readOnly() ? "ro" : "");
            m.put("RW", !b.readOnly());
            m.put("Propagation", b.propagation());
            mounts.add(m);
        }
        for (Engine.VolumeMount v : volumes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", "volume");
            m.put("Name", v.name());
            m.put("Source", v.data().toString());
            m.put("Destination", v.destination());
            m.put("Driver", "local");
            m.put("Mode", v.readOnly() ? "ro" : "");
            m.put("RW", !v.readOnly());
            m.put("Propagation", "");
            mounts.add(m);
        }
        return mounts;
    }

    private static Map<String, Object> hostConfig(ContainerRequest req) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("Binds", req.binds());
        h.put("NetworkMode", orDefault(req.networkMode(), "bridge"));
        h.put("PortBindings", portBindings(req));
        h.put("PublishAllPorts", req.publishAll());
        h.put("Dns", orEmpty(req.dns()));
        h.put("DnsOptions", orEmpty(req.dnsOptions()));
        h.put("DnsSearch", orEmpty(req.dnsSearch()));
        h.put("ExtraHosts", req.extraHosts());
        h.put("AutoRemove", req.autoRemove());
        h.put("PidMode", orDefault(req.pidMode(), ""));
        h.put("IpcMode", orDefault(req.ipcMode(), "private"));
        h.put("UTSMode", orDefault(req.utsMode(), ""));
        h.put("UsernsMode", orDefault(req.usernsMode(), ""));
        h.put("CgroupnsMode", orDefault(req.cgroupnsMode(), "private"));
        h.put("Privileged", false);
        h.put("ReadonlyRootfs", false);
        RestartPolicy policy = RestartPolicy.parse(req.restartPolicy());
        h.put("RestartPolicy", Map.of("Name", policy.name(), "MaximumRetryCount",
                policy.maxRetries()));
        h.put("Init", req.init());
        h.put("LogConfig", LogSettings.of(req).inspect());
        h.putAll(HostConfigFields.of(req));
        return h;
    }

    private static Map<String, Object> config(Container c, ContainerRequest req,
            List<String> exposed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Hostname", SpecConverter.hostname(c.id(), req));
        m.put("Domainname", orDefault(req.domainname(), ""));
        m.put("User", orDefault(req.user(), ""));
        m.put("AttachStdin", req.openStdin());
        m.put("AttachStdout", true);
        m.put("AttachStderr", true);
        if (!exposed.isEmpty()) {
            // docker leaves ExposedPorts out when there are none.
            Map<String, Object> ports = new LinkedHashMap<>();
            exposed.forEach(p -> ports.put(p, Map.of()));
            m.put("ExposedPorts", ports);
        }
        m.put("Tty", req.tty());
        m.put("OpenStdin", req.openStdin());
        m.put("StdinOnce", req.openStdin());
        m.put("Env", req.env());
        m.put("Cmd", req.cmd());
        m.put("Image", req.image());
        List<String> volumes = Binds.volumes(req);
        if (volumes.isEmpty()) {
            m.put("Volumes", null);
        } else {
            Map<String, Object> paths = new LinkedHashMap<>();
            volumes.forEach(v -> paths.put(v, Map.of()));
            m.put("Volumes", paths);
        }
        m.put("WorkingDir", orDefault(req.workingDir(), ""));
        m.put("Entrypoint", req.entrypoint());
        m.put("OnBuild", null);
        m.put("Labels", req.labels() == null ? Map.of() : req.labels());
        return m;
    }

    /** The ports a container asked for at create, as HostConfig.PortBindings. */
    private static Map<String, Object> portBindings(ContainerRequest req) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<PortMapping> asked = new ArrayList<>();
        for (String p : orEmpty(req.publish())) {
            asked.addAll(PortMapping.parse(p));
        }
        PublishedPorts.inspect(asked, List.of()).forEach(out::put);
        return out;
    }

    private static Map<String, Object> networkSettings(List<Endpoint> endpoints,
            List<String> exposed) {
        Map<String, Object> n = new LinkedHashMap<>();
        Endpoint first = endpoints.isEmpty() ? null : endpoints.get(0);
        List<PortMapping> published = new ArrayList<>();
        endpoints.forEach(e -> published.addAll(e.ports()));
        n.put("Bridge", "");
        n.put("SandboxID", "");
        n.put("Ports", PublishedPorts.inspect(published, exposed));
        n.put("SandboxKey", "");
        n.put("EndpointID", first == null ? "" : first.id());
        n.put("Gateway", first == null || first.gateway() == null ? "" : first.gateway());
        n.put("IPAddress", first == null || first.ip() == null ? "" : first.ip());
        n.put("IPPrefixLen", first == null ? 0 : first.prefix());
        n.put("MacAddress", first == null || first.mac() == null ? "" : first.mac());
        Map<String, Object> networks = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            Map<String, Object> net = new LinkedHashMap<>();
            net.put("IPAMConfig", null);
            net.put("Links", null);
            net.put("Aliases", e.options().aliases().isEmpty() ? null : e.options().aliases());
            net.put("NetworkID", e.networkId());
            net.put("EndpointID", e.id());
            net.put("Gateway", e.gateway() == null ? "" : e.gateway());
            net.put("IPAddress", e.ip() == null ? "" : e.ip());
            net.put("IPPrefixLen", e.prefix());
            net.put("MacAddress", e.mac() == null ? "" : e.mac());
            net.put("DriverOpts", null);
            networks.put(e.network(), net);
        }
        n.put("Networks", networks);
        return n;
    }

    /** The row `docker ps --format` templates see, with docker's field names. */
    public static Map<String, Object> psRow(Container c, List<Endpoint> endpoints,
            boolean truncate, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ID", truncate ? c.shortId() : c.id());
        row.put("Image", c.request().image());
        String command = String.join(" ", c.args());
        if (truncate && command.length() > 20) {
            command = command.substring(0, 19) + "…";
        }
        row.put("Command", truncate ? "\"" + command + "\"" : command);
        row.put("CreatedAt", c.record().created().atZone(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z")) + " UTC");
        row.put("RunningFor", Durations.human(c.record().created(), now) + " ago");
        List<PortMapping> published = new ArrayList<>();
        endpoints.forEach(e -> published.addAll(e.ports()));
        row.put("Ports", PublishedPorts.psColumn(published));
        row.put("Status", status(c, now));
        row.put("State", c.status());
        row.put("Size", "0B");
        row.put("Names", c.name());
        row.put("Labels", labels(c.request()));
        row.put("LocalVolumes", String.valueOf(Binds.volumes(c.request()).size()
                + Binds.namedVolumes(c.request()).size()));
        row.put("Mounts", "");
        row.put("Networks", String.join(",", endpoints.stream().map(Endpoint::network)
                .toList()));
        return row;
    }

    /** docker ps's STATUS column: Created, Up 5 seconds, Exited (0) 3 seconds ago. */
    public static String status(Container c, Instant now) {
        return switch (c.status()) {
            case "running" -> "Up " + Durations.human(c.startedAt(), now);
            case "paused" -> "Up " + Durations.human(c.startedAt(), now) + " (Paused)";
            case "exited" -> "Exited (" + c.exitCode() + ") "
                    + Durations.human(c.finishedAt(), now) + " ago";
            default -> "Created";
        };
    }

    private static String labels(ContainerRequest req) {
        if (req.labels() == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        req.labels().forEach((k, v) -> b.append(b.isEmpty() ? "" : ",").append(k).append('=')
                .append(v));
        return b.toString();
    }

    /** Docker's RFC 3339 with nanoseconds, in UTC; the zero time for null. */
    public static String time(Instant t) {
        return t == null ? ZERO_TIME : DateTimeFormatter.ISO_INSTANT.format(t);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String orDefault(String v, String dflt) {
        return v == null || v.isEmpty() ? dflt : v;
    }

    /**
     * A volume as {@code docker volume inspect} and the API show it: dockerd's keys, in their
     * order, CreatedAt in RFC 3339 to the second, and null for no labels or options.
     */
    public static Map<String, Object> volume(Volume v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CreatedAt", DateTimeFormatter.ISO_INSTANT.format(
                v.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        m.put("Driver", "local");
        m.put("Labels", v.labels().isEmpty() ? null : new java.util.TreeMap<>(v.labels()));
        m.put("Mountpoint", v.mountpoint().toString());
        m.put("Name", v.name());
        m.put("Options", v.options().isEmpty() ? null : new java.util.TreeMap<>(v.options()));
        m.put("Scope", "local");
        return m;
    }

    /** A network as `docker network inspect` and the API show it. */
    public static Map<String, Object> network(Network n, NetworkService networks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", n.name());
        m.put("Id", n.id());
        // The CLI parses Created as a time; pre-defined networks have none.
        m.put("Created", n.created() == null || n.created().isEmpty()
                ? time(null) : n.created());
        m.put("Scope", "local");
        m.put("Driver", n.driver());
        m.put("EnableIPv6", false);
        List<Map<String, Object>> config = new ArrayList<>();
        if (n.subnet() != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("Subnet", n.subnet());
            if (n.gateway() != null) {
                c.put("Gateway", n.gateway());
            }
            config.add(c);
        }
        m.put("IPAM", Map.of("Driver", "default", "Options", Map.of(), "Config", config));
        m.put("Internal", n.internal());
        m.put("Attachable", false);
        m.put("Ingress", false);
        Map<String, Object> containers = new LinkedHashMap<>();
        if (n.attachable()) {
            for (Endpoint e : networks.members(n.id())) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("Name", e.options().name() == null ? "" : e.options().name());
                c.put("EndpointID", e.id());
                c.put("MacAddress", e.mac() == null ? "" : e.mac());
                c.put("IPv4Address", e.ip() == null ? "" : e.ip() + "/" + e.prefix());
                c.put("IPv6Address", "");
                containers.put(e.containerId(), c);
            }
        }
        m.put("Containers", containers);
        m.put("Options", n.bridge() == null ? Map.of()
                : Map.of("com.docker.network.bridge.name", n.bridge()));
        m.put("Labels", n.labels());
        return m;
    }

    /** An image as `docker image inspect` and the API show it. */
    public static Map<String, Object> image(Image image) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", image.id());
        m.put("RepoTags", image.repoTags());
        m.put("RepoDigests", image.repoDigests());
        m.put("Parent", "");
        m.put("Comment", "");
        m.put("Created", time(image.created()));
        m.put("DockerVersion", "");
        m.put("Author", "");
        // A map, not the record: templates such as {{.Config.Cmd}} walk maps.
        m.put("Config", io.berth.spec.SpecJson.mapper().convertValue(image.config(), Map.class));
        m.put("Architecture", image.architecture());
        m.put("Os", image.os());
        m.put("Size", image.size());
        m.put("VirtualSize", image.size());
        m.put("GraphDriver", Map.of("Name", "overlay", "Data", Map.of()));
        m.put("RootFS", Map.of("Type", "layers", "Layers", image.diffIds()));
        m.put("Metadata", Map.of("LastTagTime", time(null)));
        return m;
    }
}
