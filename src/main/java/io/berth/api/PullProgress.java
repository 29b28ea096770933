package io.berth.api;

import io.berth.image.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pull's progress as dockerd streams it from {@code POST /images/create}: one JSON message
 * per line ({@code status}, {@code id}, {@code progressDetail}), which the docker CLI draws as
 * bars on a terminal and as lines in a pipe. The answer's head goes out with the first
 * message, so a pull that fails before it (no such repository, registry down) still gets an
 * HTTP error status, as from dockerd; a failure later becomes an {@code error} message.
 * Layers report from several threads at once, so writes are serialized.
 */
final class PullProgress implements Progress, AutoCloseable {
    /** Byte counts more often than this add nothing a person can see. */
    private static final long BYTES_EVERY_NANOS = 100_000_000L;

    private final HttpExchange exchange;
    private final Map<String, Long> lastBytes = new ConcurrentHashMap<>();
    private OutputStream out;

    PullProgress(HttpExchange exchange) {
        this.exchange = exchange;
    }

    /** Whether anything has been sent: after that, errors travel as messages. */
    synchronized boolean started() {
        return out != null;
    }

    /** "latest: Pulling from library/busybox" is sent as dockerd does: the tag as id. */
    @Override
    public void message(String line) {
        int split = line.indexOf(": Pulling from ");
        if (split > 0) {
            send(message(line.substring(split + 2), line.substring(0, split)));
        } else {
            send(message(line, null));
        }
    }

    /** dockerd's order of keys: status, progressDetail, id. */
    @Override
    public void status(String layer, String status) {
        Map<String, Object> m = message(status, null);
        m.put("progressDetail", Map.of());
        m.put("id", layer);
        send(m);
    }

    @Override
    public void bytes(String layer, long done, long total) {
        long now = System.nanoTime();
        Long last = lastBytes.get(layer);
        if (done < total && last != null && now - last < BYTES_EVERY_NANOS) {
            return;
        }
        lastBytes.put(layer, now);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("current", done);
        if (total > 0) {
            detail.put("total", total);
        }
        Map<String, Object> m = message("Downloading", null);
        m.put("progressDetail", detail);
        m.put("id", layer);
        send(m);
    }

    /** The failure as the last message, which the CLI prints and exits 1 on. */
    void error(String text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorDetail", Map.of("message", text));
        m.put("error", text);
        send(m);
    }

    private static Map<String, Object> message(String status, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        if (id != null) {
            m.put("id", id);
        }
        return m;
    }

    private synchronized void send(Map<String, Object> message) {
        try {
            if (out == null) {
                out = exchange.chunked(200, "application/json");
            }
            out.write(ImageRoutes.jsonLine(message));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("send pull progress", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
