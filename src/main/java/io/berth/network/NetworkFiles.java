package io.berth.network;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Network definitions on disk: one CNI network configuration list per network, at
 * {@code <stateDir>/networks/<name>.conflist}, which is what the plugins are given. Berth's own
 * description of the network sits beside the plugins under the key "berth", which CNI ignores.
 */
final class NetworkFiles {
    static final String CNI_VERSION = "1.0.0";
    private static final String SUFFIX = ".conflist";

    private final Path dir;
    private final Path ipamDir;

    NetworkFiles(Path stateDir) {
        this.dir = stateDir.resolve("networks");
        this.ipamDir = stateDir.resolve("ipam");
    }

    List<Network> all() {
        List<Network> out = new ArrayList<>();
        for (Path file : files()) {
            out.add(JsonFiles.MAPPER.convertValue(read(file).get("berth"), Network.class));
        }
        out.sort(Comparator.comparing(Network::name));
        return out;
    }

    void write(Network n) {
        JsonFiles.write(file(n.name()), conflist(n));
    }

    /** The stored configuration list of a network, every plugin included. */
    ObjectNode read(Network n) {
        return read(file(n.name()));
    }

    void delete(Network n) {
        try {
            Files.deleteIfExists(file(n.name()));
            deleteTree(ipamDir.resolve(n.name()));
        } catch (IOException e) {
            throw new NetworkException("remove network " + n.name() + ": " + e.getMessage(), e);
        }
    }

    /** host-local's lease folder of a network: one file per address, named by the address. */
    Path leases(Network n) {
        return ipamDir.resolve(n.name());
    }

    // No firewall plugin: all it adds is ACCEPT rules in FORWARD for each container's traffic,
    // which Berth's networks, reaching nothing beyond the host, have no use for.
    private ObjectNode conflist(Network n) {
        ObjectNode list = JsonFiles.MAPPER.createObjectNode();
        list.put("cniVersion", CNI_VERSION);
        list.put("name", n.name());
        ArrayNode plugins = list.putArray("plugins");
        plugins.add(bridge(n));
        plugins.addObject().put("type", "tuning").putObject("capabilities").put("mac", true);
        if (!n.internal()) {
            ObjectNode portmap = plugins.addObject().put("type", "portmap");
            portmap.putObject("capabilities").put("portMappings", true);
        }
        list.set("berth", JsonFiles.MAPPER.valueToTree(n));
        return list;
    }

    private ObjectNode bridge(Network n) {
        ObjectNode b = JsonFiles.MAPPER.createObjectNode();
        b.put("type", "bridge");
        b.put("bridge", n.bridge());
        // The gateway address on the bridge lets members talk to the host (and published
        // ports reach them); an internal network has none. No masquerade: Berth's networks
        // never route containers' traffic out of the host.
        b.put("isGateway", !n.internal());
        b.put("ipMasq", false);
        b.put("hairpinMode", true);
        ObjectNode ipam = b.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.put("dataDir", ipamDir.toString());
        ObjectNode range = ipam.putArray("ranges").addArray().addObject();
        range.put("subnet", n.subnet());
        range.put("gateway", n.gateway());
        return b;
    }

    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new NetworkException("list " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path file(String name) {
        return dir.resolve(name + SUFFIX);
    }

    private static ObjectNode read(Path file) {
        return JsonFiles.read(file, ObjectNode.class);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
