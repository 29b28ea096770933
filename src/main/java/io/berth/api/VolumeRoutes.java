package io.berth.api;

import io.berth.engine.Engine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** Volumes: list, inspect, remove, prune; so far the anonymous ones of {@code -v /path}. */
final class VolumeRoutes {
    private final EnginePool pool;

    VolumeRoutes(EnginePool pool) {
        this.pool = pool;
    }

    void register(Router r) {
        r.on("GET", "/volumes", this::list);
        r.on("POST", "/volumes/prune", this::prune);
        r.on("GET", "/volumes/{name}", this::inspect);
        r.on("DELETE", "/volumes/{name}", this::remove);
    }

    private void list(HttpExchange ex, Matcher path) throws Exception {
        List<Map<String, Object>> volumes = pool.with(e -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String name : e.volumeNames()) {
                out.add(json(e, name));
            }
            return out;
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Volumes", volumes);
        answer.put("Warnings", List.of());
        ex.json(200, answer);
    }

    private void inspect(HttpExchange ex, Matcher path) throws Exception {
        ex.json(200, pool.with(e -> json(e, path.group(1))));
    }

    private void remove(HttpExchange ex, Matcher path) throws Exception {
        pool.run(e -> e.removeVolume(path.group(1)));
        ex.empty(204);
    }

    private void prune(HttpExchange ex, Matcher path) throws Exception {
        Engine.VolumesPruned pruned = pool.with(Engine::pruneVolumes);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("VolumesDeleted", pruned.removed());
        answer.put("SpaceReclaimed", pruned.reclaimed());
        ex.json(200, answer);
    }

    /** A volume as docker's API shows it. */
    private static Map<String, Object> json(Engine e, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Driver", "local");
        m.put("Labels", null);
        m.put("Mountpoint", e.volumeData(name).toString());
        m.put("Name", name);
        m.put("Options", null);
        m.put("Scope", "local");
        return m;
    }
}
