package io.berth.network;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses and checks host ports before portmap writes its DNAT rules. The rules themselves bind
 * nothing, so without this check a published port could silently shadow a host service or
 * another container's port; docker refuses such a start ("port is already allocated").
 */
final class HostPorts {
    private static final int ATTEMPTS = 100;

    private HostPorts() {
    }

    /**
     * Gives every mapping a host port: a chosen one is checked, 0 becomes a free one.
     *
     * @param taken ports that other containers publish already
     */
    static List<PortMapping> allocate(List<PortMapping> wanted, List<PortMapping> taken) {
        List<PortMapping> held = new ArrayList<>(taken);
        List<PortMapping> out = new ArrayList<>();
        for (PortMapping p : wanted) {
            PortMapping done = p.hostPort() == 0 ? choose(p, held) : check(p, held);
            held.add(done);
            out.add(done);
        }
        return out;
    }

    private static PortMapping check(PortMapping p, List<PortMapping> held) {
        for (PortMapping h : held) {
            if (clash(p, h)) {
                throw allocated(p, "a container publishes it already");
            }
        }
        try (Closeable probe = bind(p, p.hostPort())) {
            return p;
        } catch (BindException e) {
            if (String.valueOf(e.getMessage()).contains("assign requested address")) {
                throw new InvalidNetworkException("publish " + where(p) + ": "
                        + p.hostIpOrAll() + " is not an address of this host");
            }
            throw allocated(p, "EADDRINUSE: " + e.getMessage());
        } catch (IOException e) {
            throw new NetworkException("publish " + where(p) + ": " + e.getMessage(), e);
        }
    }

    private static PortMapping choose(PortMapping p, List<PortMapping> held) {
        for (int i = 0; i < ATTEMPTS; i++) {
            PortMapping candidate = p.withHostPort(freePort(p));
            if (held.stream().noneMatch(h -> clash(candidate, h))) {
                return candidate;
            }
        }
        throw new NetworkConflictException("publish " + p.hostIpOrAll() + "::" + p.key()
                + ": no free host port found");
    }

    private static int freePort(PortMapping p) {
        try {
            if (p.protocol().equals("udp")) {
                try (DatagramSocket s = new DatagramSocket(address(p, 0))) {
                    return s.getLocalPort();
                }
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(address(p, 0));
                return s.getLocalPort();
            }
        } catch (IOException e) {
            throw new InvalidNetworkException("publish " + p.hostIpOrAll() + "::" + p.key()
                    + ": " + e.getMessage());
        }
    }

    private static Closeable bind(PortMapping p, int port) throws IOException {
        switch (p.protocol()) {
            case "udp":
                return new DatagramSocket(address(p, port));
            case "tcp":
                ServerSocket s = new ServerSocket();
                try {
                    s.bind(address(p, port));
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                return s;
            default:
                // Not yet: probing SCTP needs the JDK's jdk.sctp module and lksctp on the host.
                return () -> { };
        }
    }

    static boolean clash(PortMapping a, PortMapping b) {
        return a.hostPort() == b.hostPort() && a.protocol().equals(b.protocol())
                && (a.hostIp().isEmpty() || b.hostIp().isEmpty() || a.hostIp().equals(b.hostIp()));
    }

    private static InetSocketAddress address(PortMapping p, int port) {
        return new InetSocketAddress(p.hostIpOrAll(), port);
    }

    private static NetworkConflictException allocated(PortMapping p, String why) {
        return new NetworkConflictException("publish " + where(p)
                + ": port is already allocated (" + why + ")");
    }

    private static String where(PortMapping p) {
        return p.hostIpOrAll() + ":" + p.hostPort() + "/" + p.protocol();
    }
}
