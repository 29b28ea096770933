package io.berth.api;

import io.berth.engine.Container;
import io.berth.engine.ImageFilter;
import io.berth.engine.Inspection;
import io.berth.image.HistoryEntry;
import io.berth.image.Image;
import io.berth.image.ImageStore;
import io.berth.image.PullResult;
import io.berth.image.Reference;
import io.berth.image.registry.RegistryException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** Images: list, inspect, load, save, import, pull, tag, remove and prune. */
final class ImageRoutes {
    private final EnginePool pool;
    private final Events events;

    ImageRoutes(EnginePool pool, Events events) {
        this.pool = pool;
        this.events = events;
    }

    void register(Router r) {
        r.on("GET", "/images/json", this::list);
        r.on("POST", "/images/load", this::load);
        r.on("GET", "/images/get", this::saveNamed);
        r.on("GET", "/images/{name*}/get", this::saveOne);
        r.on("POST", "/images/create", this::create);
        r.on("POST", "/images/prune", this::prune);
        r.on("GET", "/images/{name*}/json", this::inspect);
        r.on("GET", "/images/{name*}/history", this::history);
        r.on("POST", "/images/{name*}/tag", this::tag);
        r.on("DELETE", "/images/{name*}", this::remove);
    }

    private void list(HttpExchange ex, Matcher path) throws Exception {
        Filters filters = Filters.parse(ex.request().query("filters"));
        List<Map<String, Object>> items = pool.with(e -> {
            ImageFilter filter = ImageFilter.of(filters.asMap(), e.images()::find);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Image image : e.images().list()) {
                List<String> tags = filter.listedTags(image);
                if (tags != null) {
                    out.add(listItem(image, tags));
                }
            }
            return out;
        });
        ex.json(200, items);
    }

    private static Map<String, Object> listItem(Image image, List<String> tags) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Containers", -1);
        m.put("Created", image.created().getEpochSecond());
        m.put("Id", image.id());
        m.put("Labels", image.config().labels());
        m.put("ParentId", "");
        m.put("RepoDigests", image.repoDigests());
        m.put("RepoTags", tags);
        m.put("SharedSize", -1);
        m.put("Size", image.size());
        m.put("VirtualSize", image.size());
        return m;
    }

    private void inspect(HttpExchange ex, Matcher path) throws Exception {
        Image image = find(path.group(1));
        Map<String, Object> m = Inspection.image(image);
        ex.json(200, m);
    }

    /**
     * docker history: GET /images/{name}/history, the steps newest first as the CLI's
     * {@code berth history} has them; the newest carries the image's id and tags.
     */
    private void history(HttpExchange ex, Matcher path) throws Exception {
        Image image = find(path.group(1));
        List<HistoryEntry> steps = pool.with(e -> e.images().history(image));
        List<Map<String, Object>> out = new ArrayList<>();
        for (HistoryEntry step : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Id", step.id());
            m.put("Created", step.created().getEpochSecond());
            m.put("CreatedBy", step.createdBy());
            m.put("Tags", step.id().equals(image.id()) ? image.repoTags() : null);
            m.put("Size", step.size());
            m.put("Comment", step.comment());
            out.add(m);
        }
        ex.json(200, out);
    }

    private Image find(String name) throws Exception {
        return pool.with(e -> e.images().find(name)).orElseThrow(() -> new ApiException(404,
                "No such image: " + name));
    }

    /** docker load: the archive streams in (chunked); one JSON line per image loaded. */
    private void load(HttpExchange ex, Matcher path) throws Exception {
        List<Image> loaded = pool.with(e -> e.images().load(ex.request().body()));
        try (OutputStream out = ex.chunked(200, "application/json")) {
            for (Image image : loaded) {
                List<String> names = image.repoTags().isEmpty()
                        ? List.of("Loaded image ID: " + image.id())
                        : image.repoTags().stream().map(t -> "Loaded image: " + t).toList();
                events.publish("image", "load", image.id(), Map.of("name",
                        image.repoTags().isEmpty() ? image.id() : image.repoTags().getFirst()));
                for (String line : names) {
                    out.write(jsonLine(Map.of("stream", line + "\n")));
                }
            }
        }
    }

    /** docker save: GET /images/get?names=a&names=b, one docker-archive for them all. */
    private void saveNamed(HttpExchange ex, Matcher path) throws Exception {
        List<String> names = ex.request().queryAll("names");
        if (names.isEmpty()) {
            throw new ApiException(400, "no images named: give names=NAME");
        }
        save(ex, names);
    }

    private void saveOne(HttpExchange ex, Matcher path) throws Exception {
        save(ex, List.of(path.group(1)));
    }

    /** Every name is looked up before the head goes out, so a missing one is a plain 404. */
    private void save(HttpExchange ex, List<String> names) throws Exception {
        for (String name : names) {
            find(name);
        }
        pool.run(e -> {
            try (OutputStream out = ex.chunked(200, "application/x-tar")) {
                e.images().save(names, out);
            }
        });
    }

    /** docker import (fromSrc=-, the tar in the body) and docker pull (fromImage). */
    private void create(HttpExchange ex, Matcher path) throws Exception {
        HttpRequest req = ex.request();
        if ("-".equals(req.query("fromSrc"))) {
            importRootfs(ex, req);
        } else if (!req.query("fromImage", "").isEmpty()) {
            pull(ex, pullReference(req.query("fromImage"), req.query("tag", "")));
        } else {
            throw new ApiException(400, "give fromImage=NAME to pull, or fromSrc=- to import");
        }
    }

    private void importRootfs(HttpExchange ex, HttpRequest req) throws Exception {
        String repo = req.query("repo", null);
        String tag = req.query("tag", null);
        String reference = repo == null ? null : tag == null ? repo : repo + ":" + tag;
        List<String> changes = req.queryAll("changes"); // -c given several times
        Image image = pool.with(e -> e.images().importRootfs(req.body(), reference, changes));
        try (OutputStream out = ex.chunked(200, "application/json")) {
            out.write(jsonLine(Map.of("status", image.id())));
        }
    }

    /** The CLI sends a digest as the tag (fromImage=busybox&tag=sha256:...); none is latest. */
    static String pullReference(String from, String tag) {
        if (tag.isEmpty()) {
            return from.contains("@") ? from : from + ":latest";
        }
        return from + (tag.startsWith("sha256:") ? "@" : ":") + tag;
    }

    /**
     * Pulls with the service's own credentials (berth login's auth.json).
     *
     * <p>Not yet: credentials a client sends in X-Registry-Auth; they would need a way to
     * hand the puller one credential for one domain besides the stored ones.
     */
    private void pull(HttpExchange ex, String reference) throws Exception {
        Reference name;
        try {
            name = Reference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        try (PullProgress progress = new PullProgress(ex)) {
            try {
                PullResult result = pool.with(e -> e.images().pull(reference,
                        e.images().registries(), progress));
                progress.message("Status: " + (result.downloaded() ? "Downloaded newer image for "
                        : "Image is up to date for ") + name.familiar());
                events.publish("image", "pull", result.image().id(),
                        Map.of("name", name.familiar()));
            } catch (Exception e) {
                if (!progress.started()) {
                    throw pullFailure(e);
                }
                progress.error(ApiErrors.message(e));
            }
        }
    }

    /** dockerd's statuses for a pull that failed before it began: 404 for no such image. */
    private static Exception pullFailure(Exception e) {
        if (e instanceof RegistryException r) {
            return new ApiException(r.notFound() ? 404 : r.unauthorized() ? 401 : 500,
                    r.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return new ApiException(400, e.getMessage());
        }
        return e;
    }

    private void tag(HttpExchange ex, Matcher path) throws Exception {
        HttpRequest req = ex.request();
        String repo = req.query("repo", "");
        String tag = req.query("tag", "latest");
        if (repo.isEmpty()) {
            throw new ApiException(400, "repository name must have at least one component");
        }
        Image image = find(path.group(1));
        pool.run(e -> e.images().tag(image, repo + ":" + tag));
        events.publish("image", "tag", image.id(), Map.of("name", repo + ":" + tag));
        ex.empty(201);
    }

    /** docker rmi: untags a name of an image with several; else removes the image. */
    private void remove(HttpExchange ex, Matcher path) throws Exception {
        String name = path.group(1);
        boolean force = ex.request().flag("force");
        List<Map<String, String>> report = pool.with(e -> {
            ImageStore images = e.images();
            Image image = images.find(name).orElseThrow(() -> new ApiException(404,
                    "No such image: " + name));
            List<Map<String, String>> out = new ArrayList<>();
            boolean byName = !name.startsWith("sha256:") && !image.id().contains(name);
            if (byName && image.repoTags().size() > 1) {
                images.untag(name);
                out.add(Map.of("Untagged", name));
                return out;
            }
            for (Container c : e.list(true)) {
                if (c.record().imageId().equals(image.id()) && !(force && !c.running())) {
                    throw new ApiException(409, "conflict: unable to remove repository "
                            + "reference \"" + name + "\" (must force) - container "
                            + c.shortId() + " is using its referenced image "
                            + image.shortId());
                }
            }
            image.repoTags().forEach(t -> out.add(Map.of("Untagged", t)));
            images.remove(image);
            out.add(Map.of("Deleted", image.id()));
            events.publish("image", "delete", image.id(), Map.of("name", name));
            return out;
        });
        ex.json(200, report);
    }

    /** Berth keeps no dangling build images, so there is nothing to prune. */
    private void prune(HttpExchange ex, Matcher path) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ImagesDeleted", null);
        answer.put("SpaceReclaimed", 0);
        ex.json(200, answer);
    }

    static byte[] jsonLine(Object value) {
        return (new String(ApiJson.bytes(value), StandardCharsets.UTF_8) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
