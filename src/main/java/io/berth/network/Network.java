package io.berth.network;

import java.util.Map;

/**
 * A network as users see it in {@code network ls} and {@code network inspect}.
 *
 * @param id 64 hex digits
 * @param name unique; "bridge", "host" and "none" are Berth's pre-defined networks
 * @param driver "bridge" for networks with a bridge device, "host" and "null" for the modes
 * @param subnet IPv4 CIDR, null for host and none
 * @param gateway the bridge's address, null for host and none
 * @param bridge the bridge device on the host, null for host and none
 * @param internal true when containers must not reach the host (no gateway on the bridge)
 * @param labels user labels
 * @param created RFC 3339 time of creation
 */
public record Network(String id, String name, String driver, String subnet, String gateway,
        String bridge, boolean internal, Map<String, String> labels, String created) {
    /** The default network's name, docker's too. */
    public static final String DEFAULT = "bridge";
    /** The host network mode as a pre-defined network. */
    public static final String HOST = "host";
    /** The loopback-only mode as a pre-defined network. */
    public static final String NONE = "none";

    public Network {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** Whether users made this network (docker's "user-defined network"). */
    public boolean userDefined() {
        return !name.equals(DEFAULT) && !name.equals(HOST) && !name.equals(NONE);
    }

    /** Whether containers attach to it through CNI (false for host and none). */
    public boolean attachable() {
        return driver.equals("bridge");
    }

    /** The first 12 digits of the id, as docker prints it. */
    public String shortId() {
        return id.substring(0, 12);
    }
}
