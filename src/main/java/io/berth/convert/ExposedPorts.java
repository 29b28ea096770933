package io.berth.convert;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * docker's {@code --expose PORT[-PORT][/PROTO]} and the create body's ExposedPorts keys, as the
 * {@code 80/tcp} keys docker shows in Config.ExposedPorts.
 */
public final class ExposedPorts {
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

    private ExposedPorts() {
    }

    /**
     * Each value expanded to its ports, in order and once each; null for none.
     *
     * @throws InvalidRequestException naming the value, in docker's words
     */
    public static List<String> parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        Set<String> ports = new LinkedHashSet<>();
        for (String value : values) {
            ports.addAll(expand(value));
        }
        return new ArrayList<>(ports);
    }

    private static List<String> expand(String value) {
        if (value.contains(":")) {
            throw new InvalidRequestException("invalid port format for --expose: " + value);
        }
        int slash = value.indexOf('/');
        String range = slash < 0 ? value : value.substring(0, slash);
        String protocol = slash < 0 ? "tcp" : value.substring(slash + 1).toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new InvalidRequestException("invalid proto: " + protocol);
        }
        int dash = range.indexOf('-');
        int start = port(value, dash < 0 ? range : range.substring(0, dash));
        int end = dash < 0 ? start : port(value, range.substring(dash + 1));
        if (end < start) {
            throw new InvalidRequestException("invalid range format for --expose: " + value
                    + ": the range ends before it starts");
        }
        List<String> out = new ArrayList<>();
        for (int p = start; p <= end; p++) {
            out.add(p + "/" + protocol);
        }
        return out;
    }

    private static int port(String value, String number) {
        try {
            int p = Integer.parseInt(number);
            if (p >= 0 && p <= 65535 && number.equals(String.valueOf(p))) {
                return p;
            }
        } catch (NumberFormatException e) {
            // Said below, in docker's words.
        }
        throw new InvalidRequestException("invalid range format for --expose: " + value
                + ": " + number + " is not a port number (0 to 65535)");
    }
}
