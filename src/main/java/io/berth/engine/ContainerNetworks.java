package io.berth.engine;

import io.berth.convert.ContainerRequest;
import io.berth.convert.ExposedPorts;
import io.berth.convert.InvalidRequestException;
import io.berth.network.Endpoint;
import io.berth.network.EndpointOptions;
import io.berth.network.NetworkException;
import io.berth.network.NetworkNotFoundException;
import io.berth.network.NetworkService;
import io.berth.network.PortMapping;
import io.berth.network.ResolvConf;
import io.berth.spec.ImageConfig;
import io.berth.store.ContainerRecord;
import io.berth.convert.SpecConverter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A container's place on the network: which mode it asked for, its endpoints through the
 * network layer, and the /etc/hosts and /etc/resolv.conf it sees. Modes are docker's: the
 * default {@code bridge} network, {@code none}, {@code host}, {@code container:NAME} and user
 * networks by name.
 */
final class ContainerNetworks {
    static final String DEFAULT_NETWORK = "bridge";
    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    private static final Path HOST_HOSTS = Path.of("/etc/hosts");

    private final NetworkService networks;

    ContainerNetworks(NetworkService networks) {
        this.networks = networks;
    }

    /** The network a mode names, or null for host, none and container: modes. */
    static String networkName(String mode) {
        if (mode == null || mode.isEmpty() || mode.equals("default")) {
            return DEFAULT_NETWORK;
        }
        if (mode.equals("host") || mode.equals("none") || mode.startsWith("container:")) {
            return null;
        }
        return mode;
    }

    /** Checks at create what docker checks then: the network exists, the ports parse. */
    void validate(ContainerRequest req, ImageConfig image, Function<String, Container> lookup) {
        String name = networkName(req.networkMode());
        if (name != null) {
            try {
                networks.inspect(name);
            } catch (NetworkNotFoundException e) {
                throw new NotFoundException("network " + name + " not found");
            }
        } else if (req.networkMode().startsWith("container:")) {
            lookup.apply(req.networkMode().substring("container:".length()));
        }
        boolean publishes = !ports(req, image).isEmpty();
        if (publishes && name == null && !"host".equals(req.networkMode())) {
            throw new InvalidRequestException("conflicting options: port publishing and the "
                    + "container type network mode " + req.networkMode());
        }
    }

    /**
     * What docker warns of at create and does anyway: ports published on the host's own
     * network, where the container's ports are the host's already and -p maps nothing.
     */
    static List<String> warnings(ContainerRequest req) {
        boolean published = req.publish() != null && !req.publish().isEmpty();
        return published && "host".equals(req.networkMode())
                ? List.of("Published ports are discarded when using host network mode")
                : List.of();
    }

    /** The /proc path of the network namespace a container: mode joins, else null. */
    String joinedNetns(ContainerRequest req, Function<String, Container> lookup) {
        String mode = req.networkMode();
        if (mode == null || !mode.startsWith("container:")) {
            return null;
        }
        Container other = lookup.apply(mode.substring("container:".length()));
        if (!other.running() || other.pid() <= 0) {
            throw new ConflictException("cannot join network of a non running container: "
                    + other.name());
        }
        return "/proc/" + other.pid() + "/ns/net";
    }

    /**
     * Connects a created container (its process waits for start) and writes its hosts and
     * resolv.conf in place: they are already bind-mounted, so the inode must stay.
     */
    void connect(ContainerRecord record, long pid, ImageConfig image, ContainerFiles files) {
        ContainerRequest req = record.request();
        String hostname = SpecConverter.hostname(record.id(), req);
        String mode = req.networkMode() == null ? "" : req.networkMode();
        if (mode.equals("host")) {
            writeInPlace(files.hosts(), ContainerFiles.read(HOST_HOSTS));
            writeInPlace(files.resolvConf(), ContainerFiles.read(HOST_RESOLV_CONF));
            return;
        }
        if (mode.startsWith("container:")) {
            return;
        }
        String netns = "/proc/" + pid + "/ns/net";
        try {
            // No CNI loopback plugin here: berth-shim brings lo up in every network namespace it
            // creates, before it reports the process created, and running the plugin cost a
            // fork and a Go binary's start (~10 ms) on every run.
            String name = networkName(mode);
            if (name != null) {
                networks.attach(record.id(), netns, name, options(record, image, hostname,
                        files));
            }
            writeInPlace(files.hosts(), networks.hostsFile(record.id(), hostname,
                    nonNull(req.extraHosts())));
            writeInPlace(files.resolvConf(), ResolvConf.render(
                    ContainerFiles.read(HOST_RESOLV_CONF),
                    nonNull(req.dns()), nonNull(req.dnsSearch()), nonNull(req.dnsOptions())));
        } catch (NetworkException e) {
            disconnect(record.id());
            throw e;
        }
    }

    private EndpointOptions options(ContainerRecord record, ImageConfig image, String hostname,
            ContainerFiles files) {
        ContainerRequest req = record.request();
        return EndpointOptions.none()
                .withName(record.name(), hostname)
                .withAliases(nonNull(req.networkAliases()))
                .withIp(emptyToNull(req.ipAddress()))
                .withMac(emptyToNull(req.macAddress()))
                .withPorts(ports(req, image))
                .withHosts(nonNull(req.extraHosts()), files.hosts().toString());
    }

    /**
     * -p mappings, and with -P every exposed port (the image's and --expose's) that -p does not
     * map already, on a free host port.
     */
    static List<PortMapping> ports(ContainerRequest req, ImageConfig image) {
        List<PortMapping> ports = new ArrayList<>();
        for (String p : nonNull(req.publish())) {
            ports.addAll(PortMapping.parse(p));
        }
        if (req.publishAll()) {
            java.util.Set<String> mapped = new java.util.HashSet<>();
            ports.forEach(p -> mapped.add(p.key()));
            for (String exposed : exposed(req, image)) {
                if (!mapped.contains(exposed)) {
                    ports.add(PortMapping.ofExposed(exposed));
                }
            }
        }
        return ports;
    }

    /** The ports a container exposes, as "80/tcp": its image's, then those it asked for. */
    static List<String> exposed(ContainerRequest req, ImageConfig image) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        if (image != null && image.exposedPorts() != null) {
            image.exposedPorts().keySet().forEach(p -> all.addAll(ExposedPorts.parse(
                    List.of(p))));
        }
        all.addAll(nonNull(req.expose()));
        return List.copyOf(all);
    }

    /** Detaches every endpoint; safe to call when there are none or the process is gone. */
    void disconnect(String containerId) {
        for (Endpoint e : networks.endpoints(containerId)) {
            networks.detach(containerId, e.netns(), e.network());
        }
    }

    private static void writeInPlace(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("write " + file, e);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
