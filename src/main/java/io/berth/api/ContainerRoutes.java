package io.berth.api;

import io.berth.convert.ContainerRequest;
import io.berth.engine.Container;
import io.berth.engine.ContainerFilter;
import io.berth.engine.ContainerSize;
import io.berth.engine.Engine;
import io.berth.engine.NotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** Containers: create, list, inspect, start, stop, kill, remove and prune. */
final class ContainerRoutes {
    private static final int DEFAULT_STOP_SECONDS = 10;

    private final EnginePool pool;
    private final Exits exits;
    private final PendingAttaches attaches;
    private final Events events;

    ContainerRoutes(EnginePool pool, Exits exits, PendingAttaches attaches, Events events) {
        this.pool = pool;
        this.exits = exits;
        this.attaches = attaches;
        this.events = events;
    }

    void register(Router r) {
        r.on("POST", "/containers/create", this::create);
        r.on("GET", "/containers/json", this::list);
        r.on("POST", "/containers/prune", this::prune);
        r.on("GET", "/containers/{id}/json", this::inspect);
        r.on("POST", "/containers/{id}/start", this::start);
        r.on("POST", "/containers/{id}/stop", this::stop);
        r.on("POST", "/containers/{id}/restart", this::restart);
        r.on("POST", "/containers/{id}/kill", this::kill);
        r.on("POST", "/containers/{id}/pause", this::pause);
        r.on("POST", "/containers/{id}/unpause", this::unpause);
        r.on("POST", "/containers/{id}/rename", this::rename);
        r.on("POST", "/containers/{id}/resize", this::resize);
        r.on("DELETE", "/containers/{id}", this::remove);
    }

    private void create(HttpExchange ex, Matcher path) throws Exception {
        CreateBody body = ApiJson.read(ex.request().body(), CreateBody.class);
        if (body == null || body.image() == null || body.image().isEmpty()) {
            throw new ApiException(400, "Config cannot be empty in order to create a container");
        }
        ContainerRequest request = body.toRequest(ex.request().query("name"));
        Container c = pool.with(e -> {
            try {
                return e.create(request);
            } catch (NotFoundException notFound) {
                // The CLI pulls, then retries, on any 404 from create: one that names the image
                // this way when it is missing. Anything else missing (a network, the container
                // of --network container:) is a 400, or a typo would send the client to a
                // registry for an image that is here.
                throw e.images().find(request.image()).isPresent()
                        ? new ApiException(400, notFound.getMessage())
                        : new ApiException(404, "No such image: " + request.image());
            }
        });
        events.container("create", c, Map.of());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Id", c.id());
        answer.put("Warnings", Engine.warnings(request));
        ex.json(201, answer);
    }

    private void list(HttpExchange ex, Matcher path) throws Exception {
        HttpRequest req = ex.request();
        Filters filters = Filters.parse(req.query("filters"));
        boolean all = req.flag("all") || !filters.get("status").isEmpty();
        int limit = req.integer("limit", -1);
        boolean size = req.flag("size");
        Instant now = Instant.now();
        List<Map<String, Object>> items = pool.with(e -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Container c : e.list(all)) {
                if (matches(c, filters) && (limit < 0 || out.size() < limit)) {
                    Map<String, Object> item = ContainerJson.listItem(c, e.endpoints(c.id()),
                            now);
                    if (size) {
                        ContainerSize s = e.size(c);
                        item.put("SizeRw", s.rw());
                        item.put("SizeRootFs", s.rootFs());
                    }
                    out.add(item);
                }
            }
            return out;
        });
        ex.json(200, items);
    }

    private static boolean matches(Container c, Filters f) {
        return ContainerFilter.of(f.asMap()).matches(c);
    }

    private void inspect(HttpExchange ex, Matcher path) throws Exception {
        ex.json(200, pool.with(e -> ContainerJson.inspect(e.get(path.group(1)), e)));
    }

    private void start(HttpExchange ex, Matcher path) throws Exception {
        String name = path.group(1);
        boolean started = pool.with(e -> {
            Container c = e.get(name);
            if (c.running()) {
                return false;
            }
            boolean attach = attaches.waiting(c.id());
            Engine.Started s;
            try {
                s = e.start(c.id(), attach);
            } catch (RuntimeException failed) {
                // `docker run` attached before it started: its stream ends with the failure,
                // or the client would wait for output that never comes. As dockerd does, an
                // AutoRemove container that cannot start is removed (`docker run --rm` waits
                // for that).
                attaches.failed(c.id(), failed);
                if (c.request().autoRemove()) {
                    e.remove(c.id(), true);
                    exits.removed(c);
                    events.container("destroy", c, Map.of());
                }
                throw failed;
            }
            exits.follow(s.container());
            events.container("start", s.container(), Map.of());
            if (attach) {
                attaches.started(c.id(), s.attachment(), () -> attachAnew(c.id()));
            }
            return true;
        });
        ex.empty(started ? 204 : 304);
    }

    private io.berth.runtime.Attachment attachAnew(String id) {
        try {
            return pool.with(e -> e.attach(id));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("attach " + id, e);
        }
    }

    private void stop(HttpExchange ex, Matcher path) throws Exception {
        boolean stopped = pool.with(e -> {
            Container c = e.get(path.group(1));
            if (!c.running()) {
                return false;
            }
            e.stop(c.id(), stopTimeout(ex.request(), c), ex.request().query("signal"));
            return true;
        });
        ex.empty(stopped ? 204 : 304);
    }

    private void restart(HttpExchange ex, Matcher path) throws Exception {
        pool.run(e -> {
            Container c = e.get(path.group(1));
            exits.follow(e.restart(c.id(), stopTimeout(ex.request(), c),
                    ex.request().query("signal")));
            events.container("restart", c, Map.of());
        });
        ex.empty(204);
    }

    private static Duration stopTimeout(HttpRequest req, Container c) {
        Integer configured = c.request().stopTimeout();
        int seconds = req.integer("t", configured != null ? configured : DEFAULT_STOP_SECONDS);
        return Duration.ofSeconds(Math.max(0, seconds));
    }

    private void kill(HttpExchange ex, Matcher path) throws Exception {
        String signal = ex.request().query("signal", "KILL");
        Container c = pool.with(e -> {
            e.kill(path.group(1), signal);
            return e.get(path.group(1));
        });
        events.container("kill", c, Map.of("signal", signal));
        ex.empty(204);
    }

    private void pause(HttpExchange ex, Matcher path) throws Exception {
        pool.run(e -> e.pause(path.group(1)));
        ex.empty(204);
    }

    private void unpause(HttpExchange ex, Matcher path) throws Exception {
        pool.run(e -> e.unpause(path.group(1)));
        ex.empty(204);
    }

    private void rename(HttpExchange ex, Matcher path) throws Exception {
        String name = ex.request().query("name", "");
        if (name.isEmpty()) {
            throw new ApiException(400, "a new name must be given");
        }
        pool.run(e -> e.rename(path.group(1), name));
        ex.empty(204);
    }

    private void resize(HttpExchange ex, Matcher path) throws Exception {
        HttpRequest req = ex.request();
        int rows = req.integer("h", 0);
        int columns = req.integer("w", 0);
        pool.run(e -> e.resize(path.group(1), rows, columns));
        ex.empty(200);
    }

    private void remove(HttpExchange ex, Matcher path) throws Exception {
        boolean force = ex.request().flag("force");
        pool.run(e -> {
            Container c = e.get(path.group(1));
            if (c.running() && !force) {
                throw new ApiException(409, "You cannot remove a running container " + c.id()
                        + ". Stop the container before attempting removal or force remove");
            }
            e.remove(c.id(), force, ex.request().flag("v"));
            exits.removed(c);
            attaches.removed(c.id());
            events.container("destroy", c, Map.of());
        });
        ex.empty(204);
    }

    private void prune(HttpExchange ex, Matcher path) throws Exception {
        Filters filters = Filters.parse(ex.request().query("filters"));
        List<String> deleted = pool.with(e -> {
            List<String> ids = new ArrayList<>();
            for (Container c : e.list(true)) {
                if (!c.running() && filters.labelsMatch(c.request().labels())) {
                    e.remove(c.id(), false);
                    exits.removed(c);
                    events.container("destroy", c, Map.of());
                    ids.add(c.id());
                }
            }
            return ids;
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ContainersDeleted", deleted.isEmpty() ? null : deleted);
        answer.put("SpaceReclaimed", 0);
        ex.json(200, answer);
    }
}
