package io.berth.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.network.Endpoint;
import io.berth.network.Network;
import io.berth.network.NetworkRequest;
import io.berth.network.NetworkService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** Networks (list, inspect, create, connect, disconnect, remove, prune) and volumes. */
final class NetworkRoutes {
    private final EnginePool pool;
    private final Events events;

    NetworkRoutes(EnginePool pool, Events events) {
        this.pool = pool;
        this.events = events;
    }

    void register(Router r) {
        r.on("GET", "/networks", this::list);
        r.on("POST", "/networks/create", this::create);
        r.on("POST", "/networks/prune", this::prune);
        r.on("GET", "/networks/{id}", this::inspect);
        r.on("POST", "/networks/{id}/connect", this::connect);
        r.on("POST", "/networks/{id}/disconnect", this::disconnect);
        r.on("DELETE", "/networks/{id}", this::remove);
        r.on("GET", "/volumes", this::volumes);
        r.on("POST", "/volumes/prune", this::pruneVolumes);
    }

    /** The body of network create. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateBody(@JsonProperty("Name") String name, @JsonProperty("Driver") String driver,
            @JsonProperty("Internal") Boolean internal,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("IPAM") Ipam ipam, @JsonProperty("Options") Map<String, String> options) {
    }

    /** IPAM settings of a network create: the first subnet and gateway are used. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Ipam(@JsonProperty("Config") List<Map<String, String>> config) {
    }

    /** The body of connect and disconnect. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MemberBody(@JsonProperty("Container") String container,
            @JsonProperty("EndpointConfig") CreateBodyEndpoint endpointConfig) {
    }

    /** Aliases and a fixed address for a connect. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateBodyEndpoint(@JsonProperty("Aliases") List<String> aliases,
            @JsonProperty("IPAMConfig") Map<String, String> ipamConfig) {
    }

    private void list(HttpExchange ex, Matcher path) throws Exception {
        Filters filters = Filters.parse(ex.request().query("filters"));
        List<Map<String, Object>> out = pool.with(e -> {
            List<Map<String, Object>> items = new ArrayList<>();
            for (Network n : e.networks().list()) {
                if (filters.anyOrEquals("name", n.name()) && filters.labelsMatch(n.labels())) {
                    items.add(json(n, e.networks()));
                }
            }
            return items;
        });
        ex.json(200, out);
    }

    private void inspect(HttpExchange ex, Matcher path) throws Exception {
        ex.json(200, pool.with(e -> json(e.networks().inspect(path.group(1)), e.networks())));
    }

    private void create(HttpExchange ex, Matcher path) throws Exception {
        CreateBody body = ApiJson.read(ex.request().body(), CreateBody.class);
        if (body == null || body.name() == null || body.name().isEmpty()) {
            throw new ApiException(400, "network name must be given");
        }
        if (body.driver() != null && !body.driver().isEmpty() && !"bridge".equals(body.driver())) {
            throw new ApiException(400, "plugin \"" + body.driver() + "\" not found");
        }
        NetworkRequest request = NetworkRequest.named(body.name())
                .withInternal(Boolean.TRUE.equals(body.internal()))
                .withLabels(body.labels());
        Map<String, String> ipam = body.ipam() == null || body.ipam().config() == null
                || body.ipam().config().isEmpty() ? Map.of() : body.ipam().config().getFirst();
        if (ipam.get("Subnet") != null) {
            request = request.withSubnet(ipam.get("Subnet"), ipam.get("Gateway"));
        }
        if (body.options() != null && body.options().get("com.docker.network.bridge.name")
                != null) {
            request = request.withBridge(body.options().get("com.docker.network.bridge.name"));
        }
        NetworkRequest asked = request;
        Network n = pool.with(e -> e.networks().create(asked));
        events.publish("network", "create", n.id(), Map.of("name", n.name(), "type", "bridge"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Id", n.id());
        answer.put("Warning", "");
        ex.json(201, answer);
    }

    private void connect(HttpExchange ex, Matcher path) throws Exception {
        MemberBody body = ApiJson.read(ex.request().body(), MemberBody.class);
        if (body == null || body.container() == null) {
            throw new ApiException(400, "a container must be given");
        }
        CreateBodyEndpoint endpoint = body.endpointConfig();
        List<String> aliases = endpoint == null || endpoint.aliases() == null ? List.of()
                : endpoint.aliases();
        String ip = endpoint == null || endpoint.ipamConfig() == null ? null
                : endpoint.ipamConfig().get("IPv4Address");
        pool.run(e -> e.connect(path.group(1), body.container(), aliases, ip));
        ex.empty(200);
    }

    private void disconnect(HttpExchange ex, Matcher path) throws Exception {
        MemberBody body = ApiJson.read(ex.request().body(), MemberBody.class);
        if (body == null || body.container() == null) {
            throw new ApiException(400, "a container must be given");
        }
        pool.run(e -> e.disconnect(path.group(1), body.container()));
        ex.empty(200);
    }

    private void remove(HttpExchange ex, Matcher path) throws Exception {
        Network n = pool.with(e -> e.networks().inspect(path.group(1)));
        pool.run(e -> e.networks().remove(path.group(1)));
        events.publish("network", "destroy", n.id(), Map.of("name", n.name(), "type", "bridge"));
        ex.empty(204);
    }

    private void prune(HttpExchange ex, Matcher path) throws Exception {
        List<String> removed = pool.with(e -> e.networks().prune());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("NetworksDeleted", removed.isEmpty() ? null : removed);
        ex.json(200, answer);
    }

    /** Berth has no named volumes yet: the lists are empty. */
    private void volumes(HttpExchange ex, Matcher path) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Volumes", List.of());
        answer.put("Warnings", List.of());
        ex.json(200, answer);
    }

    private void pruneVolumes(HttpExchange ex, Matcher path) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("VolumesDeleted", List.of());
        answer.put("SpaceReclaimed", 0);
        ex.json(200, answer);
    }

    /** A network as docker's API shows it. */
    static Map<String, Object> json(Network n, NetworkService networks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", n.name());
        m.put("Id", n.id());
        // The CLI parses Created as a time; pre-defined networks have none.
        m.put("Created", n.created() == null || n.created().isEmpty()
                ? io.berth.engine.Inspection.time(null) : n.created());
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
}
