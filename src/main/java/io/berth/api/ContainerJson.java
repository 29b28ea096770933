package io.berth.api;

import io.berth.engine.Container;
import io.berth.engine.Engine;
import io.berth.engine.Inspection;
import io.berth.network.Endpoint;
import io.berth.network.PortMapping;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Containers as the Engine API shows them: inspect is the engine's own object (the CLI prints
 * the same); the list items are the API's own shape (the CLI's ps rows are text).
 */
final class ContainerJson {
    private ContainerJson() {
    }

    /** GET /containers/{id}/json: the engine's object, which the CLI prints too. */
    static Map<String, Object> inspect(Container c, Engine engine) {
        return Inspection.inspect(c, engine);
    }

    private static Map<String, Object> networks(List<Endpoint> endpoints) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("IPAMConfig", null);
            n.put("Links", null);
            n.put("Aliases", e.options() == null ? null : e.options().aliases());
            n.put("NetworkID", e.networkId());
            n.put("EndpointID", e.id());
            n.put("Gateway", nullToEmpty(e.gateway()));
            n.put("IPAddress", nullToEmpty(e.ip()));
            n.put("IPPrefixLen", e.prefix());
            n.put("IPv6Gateway", "");
            n.put("GlobalIPv6Address", "");
            n.put("GlobalIPv6PrefixLen", 0);
            n.put("MacAddress", nullToEmpty(e.mac()));
            n.put("DriverOpts", null);
            n.put("DNSNames", e.names());
            all.put(e.network(), n);
        }
        return all;
    }

    private static List<PortMapping> ports(List<Endpoint> endpoints) {
        List<PortMapping> ports = new ArrayList<>();
        endpoints.forEach(e -> ports.addAll(e.ports()));
        return ports;
    }

    /** One item of GET /containers/json; the daemon makes the human Status. */
    static Map<String, Object> listItem(Container c, List<Endpoint> endpoints, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Names", List.of("/" + c.name()));
        m.put("Image", c.request().image());
        m.put("ImageID", c.record().imageId());
        m.put("Command", String.join(" ", c.args()));
        m.put("Created", c.record().created().getEpochSecond());
        m.put("Ports", portList(ports(endpoints)));
        m.put("Labels", c.request().labels() == null ? Map.of() : c.request().labels());
        m.put("State", c.status());
        m.put("Status", Inspection.status(c, now));
        m.put("HostConfig", Map.of("NetworkMode", c.request().networkMode() == null
                ? "default" : c.request().networkMode()));
        m.put("NetworkSettings", Map.of("Networks", networks(endpoints)));
        m.put("Mounts", List.of());
        return m;
    }

    private static List<Map<String, Object>> portList(List<PortMapping> ports) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PortMapping p : ports) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("IP", p.hostIpOrAll());
            m.put("PrivatePort", p.containerPort());
            m.put("PublicPort", p.hostPort());
            m.put("Type", p.protocol());
            out.add(m);
        }
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
