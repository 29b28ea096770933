package io.berth.api;

import io.berth.engine.Inspection;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.network.Network;
import io.berth.network.NetworkRequest;
import io.berth.network.NetworkService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** Networks: list, inspect, create, connect, disconnect, remove, prune. */
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

    /** A network as docker's API shows it; the CLI prints the same object. */
    static Map<String, Object> json(Network n, NetworkService networks) {
        return Inspection.network(n, networks);
    }
}
