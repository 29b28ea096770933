package io.berth.network;

import java.util.Map;

/**
 * What {@code network create} asks for. Only the name is required.
 *
 * @param name the network's name: a letter or digit, then letters, digits, '_', '.', '-'
 * @param subnet IPv4 CIDR; null chooses a free /24 from 10.78.0.0/16
 * @param gateway the bridge's address; null takes the subnet's first address
 * @param internal no gateway address on the bridge: members reach only each other
 * @param labels user labels, may be null
 * @param bridge the bridge device name (docker's -o com.docker.network.bridge.name); null
 *     chooses berth1, berth2, ...
 */
public record NetworkRequest(String name, String subnet, String gateway, boolean internal,
        Map<String, String> labels, String bridge) {
    public NetworkRequest {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A request with every default. */
    public static NetworkRequest named(String name) {
        return new NetworkRequest(name, null, null, false, Map.of(), null);
    }

    public NetworkRequest withSubnet(String cidr, String gatewayAddress) {
        return new NetworkRequest(name, cidr, gatewayAddress, internal, labels, bridge);
    }

    public NetworkRequest withInternal(boolean value) {
        return new NetworkRequest(name, subnet, gateway, value, labels, bridge);
    }

    public NetworkRequest withBridge(String device) {
        return new NetworkRequest(name, subnet, gateway, internal, labels, device);
    }

    public NetworkRequest withLabels(Map<String, String> value) {
        return new NetworkRequest(name, subnet, gateway, internal, value, bridge);
    }
}
