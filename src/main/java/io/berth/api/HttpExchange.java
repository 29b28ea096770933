package io.berth.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request and its answer on a connection. A handler answers exactly once: with a whole
 * body, a chunked stream, or by taking the connection over (docker's hijack).
 */
final class HttpExchange {
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"),
            Map.entry(201, "Created"), Map.entry(204, "No Content"),
            Map.entry(304, "Not Modified"), Map.entry(400, "Bad Request"),
            Map.entry(404, "Not Found"), Map.entry(409, "Conflict"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"));

    private final HttpRequest request;
    private final InputStream in;
    private final OutputStream out;
    private final Runnable halfCloseOutput;
    private final String server;
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private boolean committed;
    private boolean hijacked;
    private boolean reusable = true;

    HttpExchange(HttpRequest request, InputStream in, OutputStream out, Runnable halfCloseOutput,
            String server) {
        this.request = request;
        this.server = server;
        this.in = in;
        this.out = out;
        this.halfCloseOutput = halfCloseOutput;
    }

    HttpRequest request() {
        return request;
    }

    boolean committed() {
        return committed;
    }

    /**
     * The connection's own input, for a handler that watches for the client hanging up. It
     * ends the connection after this answer, since what it reads is lost to the next request.
     */
    InputStream clientInput() {
        reusable = false;
        return in;
    }

    /** A header to send with the answer, given before it is sent. */
    void header(String name, String value) {
        extraHeaders.put(name, value);
    }

    /** Whether the connection may carry another request after this one. */
    boolean reusable() {
        return reusable && request.keepAlive();
    }

    void json(int status, Object body) {
        bytes(status, "application/json", ApiJson.bytes(body));
    }

    /** An answer with no body (204, or 200/201 with nothing to say). */
    void empty(int status) {
        send(status, null, new byte[0]);
    }

    void text(int status, String contentType, String body) {
        send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    void bytes(int status, String contentType, byte[] body) {
        send(status, contentType, body);
    }

    /** docker's error body; the CLI prints "Error response from daemon: MESSAGE". */
    void error(int status, String message) {
        Map<String, String> body = Map.of("message", message == null ? "" : message);
        bytes(status, "application/json", ApiJson.bytes(body));
    }

    private void send(int status, String contentType, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        headers.put("Content-Length", Integer.toString(body.length));
        try {
            writeHead(status, headers);
            if (!"HEAD".equals(request.method())) {
                out.write(body);
            }
            out.flush();
        } catch (IOException e) {
            reusable = false;
            throw new UncheckedIOException("answer " + request, e);
        }
    }

    /**
     * Starts a chunked answer and flushes its head at once: `docker run` sends start only after
     * its wait request's head arrived, so a held-back head would deadlock it.
     */
    OutputStream chunked(int status, String contentType) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        headers.put("Transfer-Encoding", "chunked");
        if (!reusable) {
            headers.put("Connection", "close");
        }
        writeHead(status, headers);
        out.flush();
        return new HttpBodies.ChunkedOutput(out);
    }

    /**
     * Takes the connection over for a raw two-way stream: {@code 101 UPGRADED} when the client
     * asked to upgrade (the docker CLI insists on it), else {@code 200} with a body that ends
     * when the connection closes (docker-java's exec start).
     */
    /** Whether a handler took the connection over. */
    boolean hijacked() {
        return hijacked;
    }

    RawStream hijack(String contentType) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        reusable = false;
        hijacked = true;
        if (request.wantsUpgrade()) {
            headers.put("Connection", "Upgrade");
            headers.put("Upgrade", "tcp");
            writeHead(101, headers);
        } else {
            writeHead(200, headers);
        }
        out.flush();
        return new RawStream(in, out, halfCloseOutput);
    }

    /** The client's bytes, and ours; closing output half-closes the connection. */
    record RawStream(InputStream input, OutputStream output, Runnable closeOutput) {
    }

    private void writeHead(int status, Map<String, String> headers) throws IOException {
        if (committed) {
            throw new IllegalStateException("answered twice: " + request);
        }
        committed = true;
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ')
                .append(status == 101 ? "UPGRADED" : REASONS.getOrDefault(status, "Status"))
                .append("\r\n");
        if (status != 101) {
            standardHeaders(server).forEach((k, v) -> head.append(k).append(": ").append(v)
                    .append("\r\n"));
        }
        extraHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** What dockerd sends on every answer; the CLI negotiates from Api-Version. */
    static Map<String, String> standardHeaders(String server) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Api-Version", ApiVersion.MAX.toString());
        h.put("Docker-Experimental", "false");
        h.put("Ostype", "linux");
        h.put("Server", server);
        h.put("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC)));
        return h;
    }
}
