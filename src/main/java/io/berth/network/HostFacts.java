package io.berth.network;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What the host's network looks like, read from /proc and the JDK; Berth changes none of it. */
final class HostFacts {
    private static final Path ROUTES = Path.of("/proc/net/route");

    private HostFacts() {
    }

    /** One IPv4 route of the host's main table. */
    record Route(String device, Subnet destination) {
    }

    /** The host's IPv4 routes except default routes, from /proc/net/route. */
    static List<Route> routes() {
        List<Route> out = new ArrayList<>();
        for (String line : lines(ROUTES)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface")) {
                continue;
            }
            // The kernel prints addresses as host-order (little-endian here) hex words.
            long dest = Integer.reverseBytes((int) Long.parseLong(f[1], 16)) & 0xffffffffL;
            int mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16));
            if (mask != 0) {
                out.add(new Route(f[0], new Subnet(dest, Integer.bitCount(mask))));
            }
        }
        return out;
    }

    /** The host's IPv4 addresses on interfaces that are up, loopback excluded. */
    static List<String> addresses() {
        List<String> out = new ArrayList<>();
        for (NetworkInterface nic : interfaces()) {
            if (!isUpAndNotLoopback(nic)) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    out.add(a.getHostAddress());
                }
            }
        }
        return out;
    }

    /** Whether a network device of that name exists in the host's namespace. */
    static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    private static boolean isUpAndNotLoopback(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private static List<NetworkInterface> interfaces() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces());
        } catch (SocketException e) {
            throw new NetworkException("list the host's interfaces: " + e.getMessage(), e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new NetworkException("read " + file + ": " + e.getMessage(), e);
        }
    }
}
