package io.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Container networks through the standard CNI plugins: bridge networks with host-local address
 * management, published ports through portmap, fixed MAC addresses through tuning, loopback for
 * the {@code none} mode. Berth writes no netlink or iptables code of its own; it only runs the
 * plugins and remembers what it asked of them, so that every veth, lease and rule can be undone.
 *
 * <p>Containers on these networks reach each other and the host, never anything beyond it: no
 * masquerade and no default route. Published ports answer on 127.0.0.1 and on the host's own
 * addresses, from the host.
 *
 * <p>Safe to use from several threads and several processes on one state folder.
 */
public final class NetworkService {
    /** The default network's subnet: neither docker's 172.17/16 nor podman's 10.88-10.255. */
    public static final String DEFAULT_SUBNET = "10.77.0.0/16";
    /** The default network's bridge device. */
    public static final String DEFAULT_BRIDGE = "berth0";
    /** User networks without --subnet get the next free /24 of this range. */
    public static final String USER_POOL = "10.78.0.0/16";

    private static final System.Logger LOG = System.getLogger(NetworkService.class.getName());
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern DEVICE = Pattern.compile("[a-zA-Z0-9_.-]{1,15}");
    private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");

    private final Path stateDir;
    private final String defaultBridge;
    private final Subnet defaultSubnet;
    private final NetworkFiles networks;
    private final EndpointFiles endpoints;
    private final CniPlugins cni;
    private final StateLock lock;

    /**
     * A service over one Berth root's networks. Nothing is touched until a method is called.
     *
     * @param stateDir persistent: network definitions and IPAM leases (/var/lib/berth/network)
     * @param cniBinDir the CNI plugins (/usr/lib/cni)
     * @param cniCacheDir volatile: what each attach did (under the runroot)
     */
    public NetworkService(Path stateDir, Path cniBinDir, Path cniCacheDir) {
        this(stateDir, cniBinDir, cniCacheDir, DEFAULT_BRIDGE, DEFAULT_SUBNET);
    }

    /**
     * A service whose default network uses another bridge and subnet. Two Berth roots that
     * share one bridge device would hand out the same addresses from their separate lease
     * folders, so a second root on a host (a test's, say) gives its default network its own.
     */
    public NetworkService(Path stateDir, Path cniBinDir, Path cniCacheDir, String defaultBridge,
            String defaultSubnet) {
        this.stateDir = stateDir;
        this.defaultBridge = defaultBridge;
        this.defaultSubnet = Subnet.parse(defaultSubnet);
        this.networks = new NetworkFiles(stateDir);
        this.endpoints = new EndpointFiles(cniCacheDir);
        this.cni = new CniPlugins(cniBinDir);
        this.lock = StateLock.of(stateDir.resolve("network.lock"));
    }

    /** Creates a bridge network; refuses taken names and subnets that overlap. */
    public Network create(NetworkRequest r) {
        validateName(r.name());
        try (StateLock.Held held = lock.hold()) {
            List<Network> existing = stored();
            if (existing.stream().anyMatch(n -> n.name().equals(r.name()))
                    || isPredefined(r.name())) {
                throw new NetworkConflictException("network with name " + r.name()
                        + " already exists");
            }
            Subnet subnet = r.subnet() == null ? freeSubnet(existing)
                    : checkedSubnet(Subnet.parse(r.subnet()), existing);
            Network n = new Network(newId(), r.name(), "bridge", subnet.toString(),
                    gateway(subnet, r.gateway()), bridge(r.bridge(), existing), r.internal(),
                    r.labels(), Instant.now().toString());
            networks.write(n);
            return n;
        }
    }

    /** Every network: the pre-defined bridge, host and none, and the user's, by name. */
    public List<Network> list() {
        try (StateLock.Held held = lock.hold()) {
            List<Network> out = new ArrayList<>(stored());
            out.add(pseudo(Network.HOST, "host"));
            out.add(pseudo(Network.NONE, "null"));
            out.sort(java.util.Comparator.comparing(Network::name));
            return out;
        }
    }

    /** A network by exact name, exact id, or unique id prefix. */
    public Network inspect(String nameOrId) {
        List<Network> all = list();
        for (Network n : all) {
            if (n.name().equals(nameOrId) || n.id().equals(nameOrId)) {
                return n;
            }
        }
        List<Network> byPrefix = all.stream().filter(n -> n.id().startsWith(nameOrId)).toList();
        if (byPrefix.size() > 1) {
            throw new NetworkConflictException("network " + nameOrId + " is ambiguous ("
                    + byPrefix.size() + " networks have ids starting so)");
        }
        if (byPrefix.isEmpty() || nameOrId.isEmpty()) {
            throw new NetworkNotFoundException(nameOrId);
        }
        return byPrefix.getFirst();
    }

    /** Removes a user network and its bridge device; refused while containers are attached. */
    public void remove(String nameOrId) {
        Network n = inspect(nameOrId);
        if (!n.userDefined()) {
            throw new NetworkConflictException(n.name()
                    + " is a pre-defined network and cannot be removed");
        }
        try (StateLock.Held held = lock.hold()) {
            releaseStale(endpoints.onNetwork(n.id()));
            List<Endpoint> attached = endpoints.onNetwork(n.id());
            if (!attached.isEmpty()) {
                throw new NetworkConflictException("network " + n.name() + " is in use by "
                        + "container(s) " + String.join(", ", attached.stream()
                                .map(e -> CniPlugins.shortId(e.containerId())).toList()));
            }
            networks.delete(n);
            deleteBridge(n.bridge(), n.name());
        }
    }

    /** Removes every user network without containers; returns their names. */
    public List<String> prune() {
        List<String> removed = new ArrayList<>();
        try (StateLock.Held held = lock.hold()) {
            for (Network n : stored()) {
                if (n.userDefined() && inUse(n).isEmpty()) {
                    remove(n.id());
                    removed.add(n.name());
                }
            }
        }
        return removed;
    }

    /**
     * Attaches a container's network namespace to a network: the CNI ADD chain of bridge with
     * host-local IPAM, tuning when a MAC address is given, portmap when ports are published.
     * Whatever fails, nothing is left behind (the chain's DEL runs before the error is thrown).
     * Members' hosts files are rewritten when the network is a user network.
     *
     * @param netnsPath the namespace, e.g. /proc/PID/ns/net or /run/netns/NAME
     */
    public Endpoint attach(String containerId, String netnsPath, String network,
            EndpointOptions o) {
        Network n = inspect(network);
        validate(n, o);
        try (StateLock.Held held = lock.hold()) {
            BridgeOwners.claim(n.bridge(), stateDir, n.name());
            if (endpoint(containerId, n).isPresent()) {
                throw new NetworkConflictException("container "
                        + CniPlugins.shortId(containerId) + " is already attached to network "
                        + n.name());
            }
            checkAddressFree(n, o.ip());
            List<PortMapping> ports = n.internal() ? List.of()
                    : HostPorts.allocate(o.ports(), published());
            Endpoint planned = plan(containerId, netnsPath, n, o, ports);
            endpoints.write(planned);
            Endpoint done = add(n, planned);
            endpoints.write(done);
            refreshHosts(n);
            return done;
        }
    }

    /**
     * Undoes {@link #attach}: the CNI DEL chain, which frees the address and removes the port
     * rules. Idempotent: detaching what is not attached does nothing. Works after the namespace
     * is gone, too (the veth went with it; the lease and rules are still released).
     */
    public void detach(String containerId, String netnsPath, String network) {
        try (StateLock.Held held = lock.hold()) {
            Optional<Network> n = find(network);
            Optional<Endpoint> e = n.flatMap(net -> endpoint(containerId, net));
            if (e.isEmpty()) {
                return;
            }
            release(n.get(), e.get(), netnsPath);
            refreshHosts(n.get());
        }
    }

    /** Brings lo up in a namespace through the CNI loopback plugin: the {@code none} mode. */
    public void loopback(String containerId, String netnsPath) {
        ObjectNode conf = JsonFiles.MAPPER.createObjectNode();
        conf.put("cniVersion", NetworkFiles.CNI_VERSION);
        conf.put("name", "loopback");
        conf.put("type", "loopback");
        cni.exec("ADD", conf, new CniPlugins.Call(containerId, netnsPath, "lo", "", null));
    }

    /** The container's endpoints, one per network it is attached to. */
    public List<Endpoint> endpoints(String containerId) {
        try (StateLock.Held held = lock.hold()) {
            return endpoints.ofContainer(containerId);
        }
    }

    /**
     * The ids of the containers that have endpoints, from the endpoint folders' names alone
     * (no file is read), so the engine can cheaply look for those it no longer knows.
     */
    public List<String> attachedContainers() {
        return endpoints.containerIds();
    }

    /** The endpoints on a network (docker's "Containers" of network inspect). */
    public List<Endpoint> members(String nameOrId) {
        Network n = inspect(nameOrId);
        try (StateLock.Held held = lock.hold()) {
            return endpoints.onNetwork(n.id());
        }
    }

    /**
     * The hosts file of a container: localhost lines, {@code --add-host} entries, its own
     * addresses with its hostname (and, on user networks, its name and aliases), then every
     * other member of its user networks by name and alias. The default network lists no other
     * members, as docker's does not.
     */
    public String hostsFile(String containerId, String hostname, List<String> extraHosts) {
        try (StateLock.Held held = lock.hold()) {
            return hostsText(containerId, hostname, extraHosts);
        }
    }

    /**
     * Undoes what a crash left: endpoints whose namespace is gone are detached, and leases
     * that no endpoint owns are released. The engine calls this at start and from
     * {@code system prune}. Returns a line per thing undone.
     */
    public List<String> reconcile() {
        List<String> done = new ArrayList<>();
        try (StateLock.Held held = lock.hold()) {
            for (Endpoint e : releaseStale(endpoints.all())) {
                done.add("endpoint of container " + CniPlugins.shortId(e.containerId())
                        + " on network " + e.network());
            }
            for (Network n : stored()) {
                done.addAll(releaseOrphanLeases(n));
            }
        }
        return done;
    }

    private List<Network> stored() {
        List<Network> all = networks.all();
        if (all.stream().noneMatch(n -> n.name().equals(Network.DEFAULT))) {
            Network def = new Network(newId(), Network.DEFAULT, "bridge",
                    defaultSubnet.toString(), defaultSubnet.address(1), defaultBridge, false,
                    Map.of(), Instant.now().toString());
            networks.write(def);
            all = networks.all();
        }
        return all;
    }

    private Network pseudo(String name, String driver) {
        return new Network(stableId(name), name, driver, null, null, null, false, Map.of(),
                "");
    }

    private Optional<Network> find(String nameOrId) {
        try {
            return Optional.of(inspect(nameOrId));
        } catch (NetworkNotFoundException e) {
            return Optional.empty();
        }
    }

    private Optional<Endpoint> endpoint(String containerId, Network n) {
        return endpoints.ofContainer(containerId).stream()
                .filter(e -> e.networkId().equals(n.id())).findFirst();
    }

    private List<Endpoint> inUse(Network n) {
        releaseStale(endpoints.onNetwork(n.id()));
        return endpoints.onNetwork(n.id());
    }

    private List<PortMapping> published() {
        return endpoints.all().stream().flatMap(e -> e.ports().stream()).toList();
    }

    // ---- create ----

    private static void validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidNetworkException("invalid network name " + name
                    + ": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
    }

    private static boolean isPredefined(String name) {
        return name.equals(Network.DEFAULT) || name.equals(Network.HOST)
                || name.equals(Network.NONE);
    }

    private static Subnet freeSubnet(List<Network> existing) {
        Subnet pool = Subnet.parse(USER_POOL);
        List<HostFacts.Route> routes = HostFacts.routes();
        for (long i = 0; i < pool.size() / 256; i++) {
            Subnet candidate = new Subnet(pool.base() + i * 256, 24);
            if (overlapping(candidate, existing).isEmpty()
                    && routes.stream().noneMatch(r -> r.destination().overlaps(candidate))) {
                return candidate;
            }
        }
        throw new NetworkConflictException("no free /24 left in " + USER_POOL
                + "; give --subnet");
    }

    private static Subnet checkedSubnet(Subnet s, List<Network> existing) {
        Optional<Network> other = overlapping(s, existing);
        if (other.isPresent()) {
            throw new NetworkConflictException("subnet " + s + " overlaps subnet "
                    + other.get().subnet() + " of network " + other.get().name());
        }
        for (HostFacts.Route r : HostFacts.routes()) {
            if (r.destination().overlaps(s)) {
                throw new NetworkConflictException("subnet " + s + " overlaps the host's route"
                        + " to " + r.destination() + " on " + r.device());
            }
        }
        return s;
    }

    private static Optional<Network> overlapping(Subnet s, List<Network> existing) {
        return existing.stream()
                .filter(n -> n.subnet() != null && Subnet.parse(n.subnet()).overlaps(s))
                .findFirst();
    }

    private static String gateway(Subnet s, String given) {
        if (given == null || given.isEmpty()) {
            return s.address(1);
        }
        long g = Subnet.parseAddress(given);
        if (!s.contains(g) || g == s.base() || (s.prefix() < 31 && g == s.base() + s.size() - 1)) {
            throw new InvalidNetworkException("gateway " + given + " is not a host address of "
                    + "subnet " + s);
        }
        return given;
    }

    private static String bridge(String given, List<Network> existing) {
        if (given != null) {
            if (!DEVICE.matcher(given).matches()) {
                throw new InvalidNetworkException("invalid bridge name " + given
                        + ": at most 15 of [a-zA-Z0-9_.-]");
            }
            if (existing.stream().anyMatch(n -> given.equals(n.bridge()))) {
                throw new NetworkConflictException("bridge " + given
                        + " is used by another network");
            }
            return given;
        }
        for (int i = 1; ; i++) {
            String name = "berth" + i;
            if (existing.stream().noneMatch(n -> name.equals(n.bridge()))
                    && !HostFacts.linkExists(name)) {
                return name;
            }
        }
    }

    private void deleteBridge(String device, String network) {
        if (device == null) {
            return;
        }
        BridgeOwners.release(device, stateDir, network);
        if (!HostFacts.linkExists(device)) {
            return;
        }
        // The bridge plugin never deletes bridges (other containers may use them); the network
        // is gone, so Berth removes its device with iproute2.
        try {
            Process p = new ProcessBuilder("ip", "link", "delete", device)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 && HostFacts.linkExists(device)) {
                throw new NetworkException("delete bridge " + device + ": " + out.strip());
            }
        } catch (IOException e) {
            throw new NetworkException("delete bridge " + device + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("delete bridge " + device + ": interrupted", e);
        }
    }

    // ---- attach and detach ----

    private static void validate(Network n, EndpointOptions o) {
        if (!n.attachable()) {
            throw new InvalidNetworkException("cannot attach a container to network " + n.name()
                    + ": it is a network mode, not a network");
        }
        if (!o.aliases().isEmpty() && !n.userDefined()) {
            throw new InvalidNetworkException("network-scoped aliases are supported only on "
                    + "user-defined networks, not on " + n.name());
        }
        if (o.mac() != null && !MAC.matcher(o.mac()).matches()) {
            throw new InvalidNetworkException("invalid MAC address " + o.mac());
        }
        if (o.ip() != null) {
            validateIp(n, o.ip());
        }
    }

    private static void validateIp(Network n, String ip) {
        if (!n.userDefined()) {
            throw new InvalidNetworkException("a fixed IP address is supported only on "
                    + "user-defined networks, not on " + n.name());
        }
        Subnet s = Subnet.parse(n.subnet());
        long a = Subnet.parseAddress(ip);
        if (!s.contains(a) || a == s.base() || a == s.base() + s.size() - 1
                || ip.equals(n.gateway())) {
            throw new InvalidNetworkException("address " + ip + " is not a free host address"
                    + " of subnet " + s + " (gateway " + n.gateway() + ")");
        }
    }

    private void checkAddressFree(Network n, String ip) {
        if (ip == null) {
            return;
        }
        for (Endpoint e : endpoints.onNetwork(n.id())) {
            if (ip.equals(e.ip())) {
                throw new NetworkConflictException("address " + ip + " is already in use on "
                        + "network " + n.name() + " by container "
                        + CniPlugins.shortId(e.containerId()));
            }
        }
    }

    private Endpoint plan(String containerId, String netnsPath, Network n, EndpointOptions o,
            List<PortMapping> ports) {
        List<String> plugins = new ArrayList<>(List.of("bridge"));
        if (o.mac() != null) {
            plugins.add("tuning");
        }
        if (!ports.isEmpty()) {
            plugins.add("portmap");
        }
        String args = "IgnoreUnknown=1" + (o.ip() == null ? "" : ";IP=" + o.ip());
        return new Endpoint(newId(), containerId, n.id(), n.name(), netnsPath,
                Netns.inode(netnsPath), freeInterface(containerId), null, 0, null, null, ports,
                o, plugins, args, null);
    }

    /**
     * eth0 for a container's first network, eth1 for the next it is connected to, as docker
     * names them: a second network's plugin must never be given (and on failure delete) the
     * interface of the first.
     */
    private String freeInterface(String containerId) {
        Set<String> taken = new HashSet<>();
        endpoints.ofContainer(containerId).forEach(e -> taken.add(e.ifName()));
        for (int i = 0; ; i++) {
            if (!taken.contains("eth" + i)) {
                return "eth" + i;
            }
        }
    }

    private Endpoint add(Network n, Endpoint e) {
        ObjectNode chain = chain(n, e);
        CniPlugins.Call call = call(e, e.netns());
        try {
            return withResult(e, cni.add(chain, call));
        } catch (RuntimeException failure) {
            try {
                cni.del(chain, call, null);
                endpoints.delete(e);
            } catch (RuntimeException undo) {
                failure.addSuppressed(undo);
            }
            throw failure;
        }
    }

    private void release(Network n, Endpoint e, String netnsPath) {
        String netns = Netns.alive(netnsPath, e.netnsInode()) ? netnsPath
                : Netns.alive(e.netns(), e.netnsInode()) ? e.netns() : "";
        cni.del(chain(n, e), call(e, netns), e.result());
        endpoints.delete(e);
    }

    private List<Endpoint> releaseStale(List<Endpoint> candidates) {
        List<Endpoint> released = new ArrayList<>();
        for (Endpoint e : candidates) {
            if (Netns.alive(e.netns(), e.netnsInode())) {
                continue;
            }
            Optional<Network> n = networks.all().stream()
                    .filter(net -> net.id().equals(e.networkId())).findFirst();
            if (n.isPresent()) {
                release(n.get(), e, "");
            } else {
                endpoints.delete(e);
            }
            released.add(e);
        }
        return released;
    }

    private List<String> releaseOrphanLeases(Network n) {
        List<String> done = new ArrayList<>();
        for (Lease lease : Lease.list(networks.leases(n))) {
            boolean owned = endpoints.ofContainer(lease.containerId()).stream()
                    .anyMatch(e -> e.networkId().equals(n.id()));
            if (owned) {
                continue;
            }
            Endpoint bare = new Endpoint(newId(), lease.containerId(), n.id(), n.name(), "", 0,
                    lease.ifName(), null, 0, null, null, List.of(), EndpointOptions.none(),
                    List.of("bridge", "portmap"), "IgnoreUnknown=1", null);
            cni.del(chain(n, bare), call(bare, ""), null);
            done.add("lease of " + lease.address() + " on network " + n.name() + " by container "
                    + CniPlugins.shortId(lease.containerId()));
        }
        return done;
    }

    /** The stored configuration list cut to the plugins this endpoint runs. */
    private ObjectNode chain(Network n, Endpoint e) {
        ObjectNode list = networks.read(n);
        list.remove("berth");
        ArrayNode all = list.withArray("plugins");
        ArrayNode kept = list.putArray("plugins");
        for (JsonNode plugin : all) {
            if (e.plugins().contains(plugin.path("type").asText())) {
                kept.add(plugin);
            }
        }
        if (!n.internal()) {
            routeToHostAddresses(n, kept);
        }
        return list;
    }

    /**
     * Routes to the host's own addresses through the bridge, and nothing more: a container
     * answering a connection to a port published on a host address must reach that address,
     * while a default route would send its traffic out of the host.
     */
    private static void routeToHostAddresses(Network n, ArrayNode plugins) {
        Subnet own = Subnet.parse(n.subnet());
        for (JsonNode plugin : plugins) {
            if (plugin.path("type").asText().equals("bridge")) {
                ArrayNode routes = ((ObjectNode) plugin.get("ipam")).putArray("routes");
                for (String a : HostFacts.addresses()) {
                    if (!own.contains(a)) {
                        routes.addObject().put("dst", a + "/32");
                    }
                }
            }
        }
    }

    private static CniPlugins.Call call(Endpoint e, String netns) {
        ObjectNode runtime = JsonFiles.MAPPER.createObjectNode();
        ArrayNode maps = runtime.putArray("portMappings");
        for (PortMapping p : e.ports()) {
            ObjectNode m = maps.addObject();
            m.put("hostPort", p.hostPort());
            m.put("containerPort", p.containerPort());
            m.put("protocol", p.protocol());
            if (!p.hostIp().isEmpty()) {
                m.put("hostIP", p.hostIp());
            }
        }
        if (e.options().mac() != null) {
            runtime.put("mac", e.options().mac());
        }
        return new CniPlugins.Call(e.containerId(), netns, e.ifName(), e.cniArgs(), runtime);
    }

    private static Endpoint withResult(Endpoint e, JsonNode result) {
        JsonNode ip = firstIpv4(result);
        if (ip == null) {
            throw new NetworkException("attach container " + CniPlugins.shortId(e.containerId())
                    + " to network " + e.network() + ": the plugins returned no IPv4 address");
        }
        String[] cidr = ip.path("address").asText().split("/");
        String gateway = ip.hasNonNull("gateway") ? ip.get("gateway").asText() : null;
        JsonNode iface = result.path("interfaces").path(ip.path("interface").asInt(-1));
        String mac = iface.hasNonNull("mac") ? iface.get("mac").asText() : null;
        return e.withResult(cidr[0], Integer.parseInt(cidr[1]), gateway, mac, result);
    }

    private static JsonNode firstIpv4(JsonNode result) {
        if (result == null) {
            return null;
        }
        for (JsonNode ip : result.path("ips")) {
            if (ip.path("address").asText().matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
                return ip;
            }
        }
        return null;
    }

    // ---- hosts files ----

    private String hostsText(String containerId, String hostname, List<String> extraHosts) {
        List<Endpoint> mine = endpoints.ofContainer(containerId);
        Set<HostsFile.Entry> own = new LinkedHashSet<>();
        Set<HostsFile.Entry> members = new LinkedHashSet<>();
        String gateway = null;
        for (Endpoint e : mine) {
            if (e.ip() == null) {
                continue;
            }
            gateway = gateway == null ? e.gateway() : gateway;
            boolean user = !e.network().equals(Network.DEFAULT);
            List<String> names = new ArrayList<>();
            names.add(hostname);
            if (user) {
                names.addAll(e.names());
            }
            own.add(new HostsFile.Entry(e.ip(), names.stream()
                    .filter(x -> x != null).toList()));
            if (user) {
                members.addAll(otherMembers(e));
            }
        }
        return HostsFile.render(extraHosts == null ? List.of() : extraHosts, gateway,
                List.copyOf(own), List.copyOf(members));
    }

    private List<HostsFile.Entry> otherMembers(Endpoint mine) {
        return endpoints.onNetwork(mine.networkId()).stream()
                .filter(m -> !m.containerId().equals(mine.containerId()) && m.ip() != null)
                .filter(m -> !m.names().isEmpty())
                .map(m -> new HostsFile.Entry(m.ip(), m.names()))
                .toList();
    }

    /** Rewrites, in place (bind mounts keep the inode), the hosts file of every member. */
    private void refreshHosts(Network n) {
        if (!n.userDefined()) {
            return;
        }
        for (Endpoint m : endpoints.onNetwork(n.id())) {
            String file = m.options().hostsFile();
            if (file == null || !Files.isRegularFile(Path.of(file))) {
                continue;
            }
            String text = hostsText(m.containerId(), m.options().hostname(),
                    m.options().extraHosts());
            try {
                Files.writeString(Path.of(file), text, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "rewrite hosts file " + file + " of "
                        + "container " + CniPlugins.shortId(m.containerId()) + ": " + e);
            }
        }
    }

    // ---- ids ----

    private static String newId() {
        byte[] b = new byte[32];
        Ids.RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Ids of host and none: stable for one state folder, like docker's per daemon. */
    private String stableId(String name) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((stateDir.toAbsolutePath() + "\0" + name).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Made on first use only: SecureRandom's set-up costs ~20 ms, and most calls need none. */
    private static final class Ids {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
