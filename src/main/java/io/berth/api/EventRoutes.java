package io.berth.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;

/** GET /events: the recent past when asked (since), then events as they happen (until). */
final class EventRoutes {
    private static final long POLL_MS = 200;

    private final Events events;

    EventRoutes(Events events) {
        this.events = events;
    }

    void register(Router r) {
        r.on("GET", "/events", this::events);
    }

    private void events(HttpExchange ex, Matcher path) throws Exception {
        HttpRequest req = ex.request();
        long since = req.query("since") == null ? -1 : LogStream.parseTime(req.query("since"));
        long until = LogStream.parseTime(req.query("until"));
        Filters filters = Filters.parse(req.query("filters"));
        BlockingQueue<Events.Event> live = events.listen();
        AtomicBoolean gone = watchClient(ex.clientInput());
        try (OutputStream out = ex.chunked(200, "application/json")) {
            Set<Events.Event> replayed = Collections.newSetFromMap(new IdentityHashMap<>());
            if (since >= 0) {
                for (Events.Event e : events.since(since)) {
                    replayed.add(e);
                    write(out, e, filters, until);
                }
            }
            while (!gone.get() && (until <= 0 || now() < until)) {
                Events.Event e = live.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (e != null && !replayed.contains(e)) {
                    write(out, e, filters, until);
                }
            }
        } finally {
            events.stopListening(live);
        }
    }

    /** Becomes true when the client hangs up (`docker stats` holds events open meanwhile). */
    private static AtomicBoolean watchClient(InputStream in) {
        AtomicBoolean gone = new AtomicBoolean();
        Thread.ofVirtual().name("events-client").start(() -> {
            try {
                in.read();
            } catch (IOException e) {
                // Closed.
            }
            gone.set(true);
        });
        return gone;
    }

    private static void write(OutputStream out, Events.Event e, Filters f, long until)
            throws IOException {
        if (until > 0 && e.timeNano() > until || !matches(e, f)) {
            return;
        }
        out.write(ImageRoutes.jsonLine(e.json()));
        out.flush();
    }

    private static boolean matches(Events.Event e, Filters f) {
        Map<String, String> a = e.attributes();
        return f.anyOrEquals("type", e.type())
                && f.anyOrEquals("event", e.action())
                && (f.get("container").isEmpty() || "container".equals(e.type())
                        && f.get("container").stream().anyMatch(c -> e.id().startsWith(c)
                                || c.equals(a.get("name"))))
                && (f.get("image").isEmpty() || f.get("image").contains(a.get("image")))
                && (f.get("network").isEmpty() || "network".equals(e.type())
                        && f.get("network").stream().anyMatch(n -> e.id().startsWith(n)
                                || n.equals(a.get("name"))))
                && (f.get("volume").isEmpty() || "volume".equals(e.type())
                        && f.get("volume").contains(e.id()))
                && f.labelsMatch(a);
    }

    private static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
