package io.berth.network;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The text of a container's /etc/hosts, in the layout docker writes. */
public final class HostsFile {
    private static final String LOCALHOST = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            ff00::0\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters
            """;

    private HostsFile() {
    }

    /** One line: an address and the names that resolve to it. */
    public record Entry(String ip, List<String> names) {
        public Entry {
            names = List.copyOf(names);
        }
    }

    /**
     * The whole file: localhost lines, {@code --add-host} entries ("name:ip"; "host-gateway"
     * stands for the gateway given), then the container's own addresses, then other members.
     */
    public static String render(List<String> extraHosts, String gateway, List<Entry> own,
            List<Entry> members) {
        StringBuilder out = new StringBuilder(LOCALHOST);
        for (String extra : extraHosts) {
            Entry e = parseExtra(extra, gateway);
            line(out, e.ip(), e.names());
        }
        for (Entry e : own) {
            line(out, e.ip(), e.names());
        }
        for (Entry e : members) {
            line(out, e.ip(), e.names());
        }
        return out.toString();
    }

    /** Parses docker's {@code --add-host NAME:IP} (the IP may be IPv6, so split at the first). */
    static Entry parseExtra(String extra, String gateway) {
        int colon = extra.indexOf(':');
        if (colon <= 0 || colon == extra.length() - 1) {
            throw new InvalidNetworkException("invalid argument " + extra
                    + " for --add-host: want NAME:IP");
        }
        String ip = extra.substring(colon + 1);
        if (ip.equals("host-gateway")) {
            if (gateway == null) {
                throw new InvalidNetworkException("--add-host " + extra
                        + ": the container has no gateway to stand for host-gateway");
            }
            ip = gateway;
        }
        return new Entry(ip, List.of(extra.substring(0, colon)));
    }

    private static void line(StringBuilder out, String ip, List<String> names) {
        Set<String> distinct = new LinkedHashSet<>();
        for (String n : names) {
            if (n != null && !n.isBlank()) {
                distinct.add(n);
            }
        }
        if (!distinct.isEmpty()) {
            out.append(ip).append('\t').append(String.join(" ", new ArrayList<>(distinct)))
                    .append('\n');
        }
    }
}
