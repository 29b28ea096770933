package io.berth.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.engine.Engine;
import io.berth.engine.Inspection;
import io.berth.engine.VolumeFilter;
import io.berth.volumes.Volume;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Volumes, named and anonymous: create, list, inspect, remove, prune. Creates and removals here
 * are events as dockerd's (type volume, the name as the actor's ID).
 *
 * <p>Not yet: the events of a volume made on a container's first use, and mount and unmount;
 * they need the engine to report them rather than these routes.
 */
final class VolumeRoutes {
    private static final Map<String, String> LOCAL = Map.of("driver", "local");

    private final EnginePool pool;
    private final Events events;

    VolumeRoutes(EnginePool pool, Events events) {
        this.pool = pool;
        this.events = events;
    }

    void register(Router r) {
        r.on("POST", "/volumes/create", this::create);
        r.on("GET", "/volumes", this::list);
        r.on("POST", "/volumes/prune", this::prune);
        r.on("GET", "/volumes/{name}", this::inspect);
        r.on("DELETE", "/volumes/{name}", this::remove);
    }

    /** The body of volume create; a missing or empty Name asks for a random one. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateBody(@JsonProperty("Name") String name, @JsonProperty("Driver") String driver,
            @JsonProperty("DriverOpts") Map<String, String> driverOpts,
            @JsonProperty("Labels") Map<String, String> labels) {
    }

    private void create(HttpExchange ex, Matcher path) throws Exception {
        CreateBody body = ApiJson.read(ex.request().body(), CreateBody.class);
        CreateBody asked = body == null ? new CreateBody(null, null, null, null) : body;
        Volume v = pool.with(e -> e.createVolume(asked.name(), asked.driver(), asked.labels(),
                asked.driverOpts()));
        events.publish("volume", "create", v.name(), LOCAL);
        ex.json(201, Inspection.volume(v));
    }

    private void list(HttpExchange ex, Matcher path) throws Exception {
        VolumeFilter filter = VolumeFilter.of(Filters.parse(ex.request().query("filters"))
                .asMap());
        List<Map<String, Object>> volumes = pool.with(e -> e.volumes(filter).stream()
                .map(Inspection::volume).toList());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Volumes", volumes);
        answer.put("Warnings", null);
        ex.json(200, answer);
    }

    private void inspect(HttpExchange ex, Matcher path) throws Exception {
        ex.json(200, pool.with(e -> Inspection.volume(e.volume(path.group(1)))));
    }

    private void remove(HttpExchange ex, Matcher path) throws Exception {
        boolean force = ex.request().flag("force");
        boolean removed = pool.with(e -> {
            boolean there = e.findVolume(path.group(1)).isPresent();
            e.removeVolume(path.group(1), force);
            return there;
        });
        if (removed) {
            events.publish("volume", "destroy", path.group(1), LOCAL);
        }
        ex.empty(204);
    }

    /** dockerd's prune filters: all (named volumes too), label and label!. */
    private void prune(HttpExchange ex, Matcher path) throws Exception {
        Map<String, List<String>> filters = new LinkedHashMap<>(
                Filters.parse(ex.request().query("filters")).asMap());
        List<String> all = filters.remove("all");
        boolean named = all != null && all.stream().anyMatch(v -> v.equals("true")
                || v.equals("1"));
        VolumeFilter filter = VolumeFilter.forPrune(filters);
        Engine.VolumesPruned pruned = pool.with(e -> e.pruneVolumes(named, filter));
        pruned.removed().forEach(v -> events.publish("volume", "destroy", v, LOCAL));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("VolumesDeleted", pruned.removed());
        answer.put("SpaceReclaimed", pruned.reclaimed());
        ex.json(200, answer);
    }
}
