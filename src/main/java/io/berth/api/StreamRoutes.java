package io.berth.api;

import io.berth.engine.Container;
import io.berth.engine.NotFoundException;
import io.berth.runtime.Attachment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;

/** The long-lived container endpoints: attach, wait and logs. */
final class StreamRoutes {
    private static final String RAW = "application/vnd.docker.raw-stream";
    private static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";
    private static final long REMOVAL_POLL_MS = 1000;

    private final EnginePool pool;
    private final Exits exits;
    private final PendingAttaches attaches;

    StreamRoutes(EnginePool pool, Exits exits, PendingAttaches attaches) {
        this.pool = pool;
        this.exits = exits;
        this.attaches = attaches;
    }

    void register(Router r) {
        r.on("POST", "/containers/{id}/attach", this::attach);
        r.on("POST", "/containers/{id}/wait", this::await);
        r.on("GET", "/containers/{id}/logs", this::logs);
    }

    /** The content type of a container stream: API 1.42 and later name the framed kind. */
    static String streamType(HttpRequest req, boolean tty) {
        return tty || !req.version().atLeast(1, 42) ? RAW : MULTIPLEXED;
    }

    private void attach(HttpExchange ex, Matcher path) throws Exception {
        HttpRequest req = ex.request();
        Container c = pool.with(e -> e.get(path.group(1)));
        boolean tty = c.request().tty();
        Attachment now = null;
        CompletableFuture<Attachment> later = null;
        if (c.running()) {
            now = pool.with(e -> e.attach(c.id()));
        } else {
            later = attaches.expect(c.id());
        }
        HttpExchange.RawStream client = ex.hijack(streamType(req, tty));
        Attachment attachment = now != null ? now : awaitStart(later);
        if (attachment == null) {
            client.closeOutput().run();
            return;
        }
        boolean stdin = req.flag("stdin") && c.request().openStdin();
        StreamCopy.attach(attachment, client, new StreamCopy.Selection(req.flag("stdout"),
                req.flag("stderr"), tty), stdin);
    }

    private static Attachment awaitStart(CompletableFuture<Attachment> later)
            throws InterruptedException {
        try {
            return later.get();
        } catch (ExecutionException e) {
            return null;
        }
    }

    /**
     * Answers at once with the head, then the body when the condition is met: not-running
     * (the default), next-exit, or removed.
     */
    private void await(HttpExchange ex, Matcher path) throws Exception {
        String condition = ex.request().query("condition", "not-running");
        Container c = pool.with(e -> e.get(path.group(1)));
        CompletableFuture<Integer> done = switch (condition) {
            case "not-running" -> c.running() ? running(c) : CompletableFuture.completedFuture(
                    c.exitCode());
            case "next-exit" -> c.running() ? running(c) : exits.nextExit(c.id());
            case "removed" -> exits.removal(c.id());
            default -> throw new ApiException(400, "invalid condition: \"" + condition + "\"");
        };
        if ("removed".equals(condition)) {
            recheckRemoved(c.id(), c.exitCode(), done);
        }
        InputStream client = ex.clientInput();
        try (OutputStream out = ex.chunked(200, "application/json")) {
            int code = awaitClientPresent(client, done);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("Error", null);
            answer.put("StatusCode", code);
            out.write((new String(ApiJson.bytes(answer), StandardCharsets.UTF_8) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The future of a running container's exit, rechecked after subscribing (no lost exit). */
    private CompletableFuture<Integer> running(Container c) throws Exception {
        CompletableFuture<Integer> f = exits.nextExit(c.id());
        exits.follow(c);
        pool.run(e -> {
            try {
                Container again = e.get(c.id());
                if (!again.running()) {
                    f.complete(again.exitCode());
                }
            } catch (NotFoundException gone) {
                f.complete(e.await(c.id()));
            }
        });
        return f;
    }

    /**
     * Subscribes, then looks: a container already gone completes at once; one removed later
     * by another client (the CLI, not this service) is noticed by polling every second.
     */
    private void recheckRemoved(String id, int known, CompletableFuture<Integer> f)
            throws Exception {
        if (removedMeanwhile(id, known, f)) {
            return;
        }
        Thread.ofVirtual().name("removed-" + id.substring(0, 12)).start(() -> {
            try {
                while (!f.isDone()) {
                    Thread.sleep(REMOVAL_POLL_MS);
                    removedMeanwhile(id, known, f);
                }
            } catch (Exception e) {
                // The service is closing; the waiter's connection goes with it.
            }
        });
    }

    private boolean removedMeanwhile(String id, int known, CompletableFuture<Integer> f)
            throws Exception {
        return pool.with(e -> {
            try {
                Container c = e.get(id);
                if (c.running()) {
                    exits.follow(c);
                }
                return false;
            } catch (NotFoundException gone) {
                f.complete(lastExit(e, id, known));
                return true;
            }
        });
    }

    /** The code a removed container exited with: kept by the engine (--rm), or as last seen. */
    private static int lastExit(io.berth.engine.Engine e, String id, int known)
            throws InterruptedException {
        try {
            return e.await(id);
        } catch (NotFoundException notKept) {
            return known;
        }
    }

    /**
     * Waits for the outcome; a client that hangs up meanwhile (`docker run -d` abandons its
     * wait) ends the wait, so it costs nothing until the container exits. The wait's own
     * future is shared with other clients, so each waits on a copy it may cancel.
     */
    private static int awaitClientPresent(InputStream in, CompletableFuture<Integer> done)
            throws Exception {
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        done.whenComplete((code, failure) -> {
            if (failure == null) {
                mine.complete(code);
            } else {
                mine.completeExceptionally(failure);
            }
        });
        // Not interrupted when the wait ends: an interrupt would close the connection before
        // the answer is written. The connection's close after the answer ends it instead.
        Thread.ofVirtual().name("wait-client").start(() -> {
            try {
                in.read();
            } catch (IOException e) {
                // Closed: by the client, or by us after answering.
            }
            mine.cancel(false);
        });
        try {
            return mine.get();
        } catch (CancellationException e) {
            throw new IOException("client gone while waiting");
        }
    }

    private void logs(HttpExchange ex, Matcher path) throws Exception {
        HttpRequest req = ex.request();
        Container c = pool.with(e -> e.get(path.group(1)));
        java.nio.file.Path file = pool.with(e -> e.readableLog(c));
        LogStream.Options options = new LogStream.Options(req.flag("stdout"),
                req.flag("stderr"), req.flag("timestamps"), req.query("tail", "all"),
                LogStream.parseTime(req.query("since")), LogStream.parseTime(req.query("until")),
                c.request().tty());
        boolean follow = req.flag("follow") && c.running();
        try (OutputStream out = ex.chunked(200, null)) {
            new LogStream(file, options, out).write(follow, () -> isRunning(c.id()));
        }
    }

    private boolean isRunning(String id) {
        try {
            return pool.with(e -> e.get(id).running());
        } catch (Exception e) {
            return false;
        }
    }
}
