package io.berth.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Published ports in the three shapes docker prints them: inspect, `port`, and `ps`. */
public final class PublishedPorts {
    private PublishedPorts() {
    }

    /**
     * NetworkSettings.Ports of inspect: {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]},
     * with exposed but unpublished ports mapped to null, as docker does.
     */
    public static Map<String, List<Map<String, String>>> inspect(List<PortMapping> published,
            List<String> exposed) {
        Map<String, List<Map<String, String>>> out = new TreeMap<>();
        for (String key : exposed) {
            out.put(key, null);
        }
        for (PortMapping p : published) {
            Map<String, String> binding = new LinkedHashMap<>();
            binding.put("HostIp", p.hostIpOrAll());
            binding.put("HostPort", Integer.toString(p.hostPort()));
            List<Map<String, String>> list = out.get(p.key());
            if (list == null) {
                list = new ArrayList<>();
                out.put(p.key(), list);
            }
            list.add(binding);
        }
        return out;
    }

    /** The lines of `port CONTAINER`: "80/tcp -> 0.0.0.0:8080". */
    public static List<String> portLines(List<PortMapping> published) {
        return published.stream()
                .map(p -> p.key() + " -> " + p.hostIpOrAll() + ":" + p.hostPort()).toList();
    }

    /** The PORTS column of `ps`: "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp". */
    public static String psColumn(List<PortMapping> published) {
        return String.join(", ", published.stream().map(PortMapping::toString).toList());
    }
}
