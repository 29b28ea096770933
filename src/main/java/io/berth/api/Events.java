package io.berth.api;

import io.berth.engine.Container;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * What happened through this service, as docker's /events shows it. Events are kept for a
 * while, so that `docker events --since` sees the recent past.
 *
 * <p>Not yet: what the CLI or another service did to the same root is not seen; that needs
 * the engine to write its events where every front end reads them.
 */
final class Events {
    private static final int KEPT = 1000;

    /** One event, in docker's shape. */
    record Event(String type, String action, String id, Map<String, String> attributes,
            long timeNano) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            if ("container".equals(type)) {
                m.put("status", action);
                m.put("id", id);
                m.put("from", attributes.getOrDefault("image", ""));
            }
            m.put("Type", type);
            m.put("Action", action);
            m.put("Actor", Map.of("ID", id, "Attributes", attributes));
            m.put("scope", "local");
            m.put("time", timeNano / 1_000_000_000L);
            m.put("timeNano", timeNano);
            return m;
        }
    }

    private final Deque<Event> recent = new ArrayDeque<>();
    private final List<BlockingQueue<Event>> listeners = new CopyOnWriteArrayList<>();

    void publish(String type, String action, String id, Map<String, String> attributes) {
        Instant now = Instant.now();
        Event e = new Event(type, action, id, Map.copyOf(attributes),
                now.getEpochSecond() * 1_000_000_000L + now.getNano());
        synchronized (recent) {
            recent.addLast(e);
            if (recent.size() > KEPT) {
                recent.removeFirst();
            }
        }
        listeners.forEach(q -> q.offer(e));
    }

    /** A container event, with its image, name and labels as attributes. */
    void container(String action, Container c, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (c.request().labels() != null) {
            attributes.putAll(c.request().labels());
        }
        attributes.put("image", c.request().image());
        attributes.put("name", c.name());
        attributes.putAll(extra);
        publish("container", action, c.id(), attributes);
    }

    /** Starts listening; events published from now on arrive in the queue. */
    BlockingQueue<Event> listen() {
        BlockingQueue<Event> q = new LinkedBlockingQueue<>();
        listeners.add(q);
        return q;
    }

    void stopListening(BlockingQueue<Event> q) {
        listeners.remove(q);
    }

    /** Kept events at or after the given time. */
    List<Event> since(long sinceNanos) {
        synchronized (recent) {
            return new ArrayList<>(recent.stream().filter(e -> e.timeNano() >= sinceNanos)
                    .toList());
        }
    }
}
