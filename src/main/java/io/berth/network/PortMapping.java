package io.berth.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One published port: traffic to hostIp:hostPort on the host goes to containerPort in the
 * container.
 *
 * @param hostIp the host address to listen on; "" means every address of the host
 * @param hostPort the host port; 0 until {@link NetworkService#attach} chose a free one
 * @param containerPort the port inside the container
 * @param protocol tcp, udp or sctp
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

    public PortMapping {
        hostIp = hostIp == null ? "" : hostIp;
        protocol = protocol == null ? "tcp" : protocol;
        if (!PROTOCOLS.contains(protocol)) {
            throw new InvalidNetworkException("invalid protocol " + protocol);
        }
        if (hostPort < 0 || hostPort > 65535 || containerPort < 1 || containerPort > 65535) {
            throw new InvalidNetworkException("invalid port " + hostPort + ":" + containerPort);
        }
    }

    /**
     * Parses one value of docker's {@code -p}: {@code [IP:][HOSTPORT:]CONTAINERPORT[/PROTO]},
     * where either port may be a range {@code A-B} (host and container ranges of equal length).
     * A missing or empty host port gives 0: a free port is chosen at attach time.
     */
    public static List<PortMapping> parse(String dashP) {
        String spec = dashP.strip();
        String protocol = "tcp";
        int slash = spec.lastIndexOf('/');
        if (slash >= 0) {
            protocol = spec.substring(slash + 1).toLowerCase();
            spec = spec.substring(0, slash);
        }
        if (spec.startsWith("[")) {
            // Not yet: IPv6 host addresses; Berth's networks are IPv4 only so far.
            throw new InvalidNetworkException("invalid port " + dashP
                    + ": IPv6 host addresses are not supported yet");
        }
        String[] parts = spec.split(":", -1);
        if (parts.length > 3) {
            throw new InvalidNetworkException("invalid port " + dashP);
        }
        String hostIp = parts.length == 3 ? parts[0] : "";
        String host = parts.length >= 2 ? parts[parts.length - 2] : "";
        String container = parts[parts.length - 1];
        if (!hostIp.isEmpty()) {
            Subnet.parseAddress(hostIp);
        }
        // docker takes a host port of 0 as "choose a free one", like an empty one.
        return expand(dashP, hostIp, range(dashP, host.equals("0") ? "" : host, true),
                range(dashP, container, false),
                protocol);
    }

    /** A mapping for {@code -P}: an exposed port such as "80/tcp" gets a free host port. */
    public static PortMapping ofExposed(String exposed) {
        return parse(exposed).getFirst();
    }

    /** Docker's key for this port in NetworkSettings.Ports and `port`: "80/tcp". */
    public String key() {
        return containerPort + "/" + protocol;
    }

    /** The host address as docker prints it: 0.0.0.0 for every address. */
    public String hostIpOrAll() {
        return hostIp.isEmpty() ? "0.0.0.0" : hostIp;
    }

    /** The same mapping on another host port. */
    public PortMapping withHostPort(int port) {
        return new PortMapping(hostIp, port, containerPort, protocol);
    }

    /** Docker's `ps` form: "0.0.0.0:8080->80/tcp". */
    @Override
    public String toString() {
        return hostIpOrAll() + ":" + hostPort + "->" + key();
    }

    private static List<PortMapping> expand(String dashP, String hostIp, int[] host,
            int[] container, String protocol) {
        int count = container[1] - container[0] + 1;
        boolean chosen = host[0] == 0;
        if (!chosen && host[1] - host[0] + 1 != count) {
            // Not yet: docker's "8000-8010:80" (one free port from a host range).
            throw new InvalidNetworkException("invalid port " + dashP
                    + ": host and container port ranges differ in length");
        }
        List<PortMapping> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new PortMapping(hostIp, chosen ? 0 : host[0] + i, container[0] + i,
                    protocol));
        }
        return out;
    }

    private static int[] range(String dashP, String text, boolean mayBeEmpty) {
        if (text.isEmpty()) {
            if (!mayBeEmpty) {
                throw new InvalidNetworkException("invalid port " + dashP + ": no container port");
            }
            return new int[] {0, 0};
        }
        int dash = text.indexOf('-');
        int first = port(dashP, dash < 0 ? text : text.substring(0, dash));
        int last = dash < 0 ? first : port(dashP, text.substring(dash + 1));
        if (last < first) {
            throw new InvalidNetworkException("invalid port range " + text + " in " + dashP);
        }
        return new int[] {first, last};
    }

    private static int port(String dashP, String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw new InvalidNetworkException("invalid port " + dashP + ": " + text
                    + " is not a port number");
        }
        int p = Integer.parseInt(text);
        if (p < 1 || p > 65535) {
            throw new InvalidNetworkException("invalid port " + dashP + ": " + p
                    + " is outside 1-65535");
        }
        return p;
    }
}
