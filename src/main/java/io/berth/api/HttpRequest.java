package io.berth.api;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the Docker clients send it: method, path without its {@code /v1.NN}
 * prefix, the API version asked for, query, headers (keys lower-cased) and the body.
 */
final class HttpRequest {
    private final String method;
    private final String path;
    private final ApiVersion version;
    private final Map<String, String> query;
    private final Map<String, List<String>> repeated;
    private final Map<String, String> headers;
    private final InputStream body;

    HttpRequest(String method, String target, Map<String, String> headers, InputStream body) {
        this.method = method;
        this.headers = headers;
        this.body = body;
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        this.repeated = parseQuery(q < 0 ? "" : target.substring(q + 1));
        this.query = new LinkedHashMap<>();
        repeated.forEach((key, values) -> query.put(key, values.getLast()));
        String decoded = decode(rawPath);
        this.version = ApiVersion.ofPath(decoded);
        this.path = version.explicit() ? decoded.substring(decoded.indexOf('/', 1)) : decoded;
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
            out.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(eq < 0 ? "" : decodeQuery(pair.substring(eq + 1)));
        }
        return out;
    }

    /** Go encodes a space in a query as '+' (form encoding), so '+' decodes to a space. */
    private static String decodeQuery(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** In a path '+' is itself. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    ApiVersion version() {
        return version;
    }

    InputStream body() {
        return body;
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A query parameter, or null when absent. */
    String query(String name) {
        return query.get(name);
    }

    /** Every value of a parameter given several times ({@code names=a&names=b}), in order. */
    List<String> queryAll(String name) {
        return repeated.getOrDefault(name, List.of());
    }

    String query(String name, String dflt) {
        String v = query.get(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    /**
     * A boolean parameter. The CLI sends {@code 1}, docker-java {@code true}; empty, {@code 0}
     * and {@code false} are false, as in dockerd.
     */
    boolean flag(String name) {
        String v = query.get(name);
        return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    /** An integer parameter, or dflt when absent; a malformed one is a bad request. */
    int integer(String name, int dflt) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "invalid value for " + name + ": " + v);
        }
    }

    /** The client asked to take over the connection (docker CLI: Upgrade: tcp). */
    boolean wantsUpgrade() {
        String connection = header("connection");
        return header("upgrade") != null && connection != null
                && List.of(connection.toLowerCase(Locale.ROOT).split("\\s*,\\s*"))
                        .contains("upgrade");
    }

    boolean keepAlive() {
        String connection = header("connection");
        return connection == null || !connection.equalsIgnoreCase("close");
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
