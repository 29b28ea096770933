package io.berth.network;

import java.util.ArrayList;
import java.util.List;

/** The text of a container's /etc/resolv.conf, derived from the host's as docker does. */
public final class ResolvConf {
    private ResolvConf() {
    }

    /**
     * The host's resolv.conf with {@code --dns}, {@code --dns-search} and {@code --dns-option}
     * replacing its nameservers, search domains and options when given. The host's loopback
     * nameservers are dropped: inside the container's own network namespace they would point
     * at the container itself. When none remain, no nameserver is written (docker would fall
     * back to public resolvers; Berth's networks do not reach outside the host).
     */
    public static String render(String hostResolvConf, List<String> dns, List<String> search,
            List<String> options) {
        List<String> servers = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        List<String> opts = new ArrayList<>();
        for (String raw : hostResolvConf.split("\n")) {
            String[] f = raw.strip().split("\\s+");
            switch (f[0]) {
                case "nameserver" -> addIf(servers, f, !isLoopback(f));
                case "search", "domain" -> addIf(domains, f, true);
                case "options" -> addIf(opts, f, true);
                default -> { }
            }
        }
        return format(pick(dns, servers), pick(search, domains), pick(options, opts));
    }

    private static void addIf(List<String> into, String[] fields, boolean keep) {
        if (keep) {
            into.addAll(List.of(fields).subList(1, fields.length));
        }
    }

    private static boolean isLoopback(String[] f) {
        return f.length > 1 && (f[1].startsWith("127.") || f[1].equals("::1"));
    }

    private static List<String> pick(List<String> given, List<String> host) {
        return given == null || given.isEmpty() ? host : given;
    }

    private static String format(List<String> servers, List<String> domains,
            List<String> opts) {
        StringBuilder out = new StringBuilder();
        // A search value of "." clears the list, as docker documents for --dns-search.
        if (!domains.isEmpty() && !domains.equals(List.of("."))) {
            out.append("search ").append(String.join(" ", domains)).append('\n');
        }
        for (String s : servers) {
            out.append("nameserver ").append(s).append('\n');
        }
        if (!opts.isEmpty()) {
            out.append("options ").append(String.join(" ", opts)).append('\n');
        }
        return out.toString();
    }
}
