package io.berth.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Go map among data that a template runs on as Go structs ({@link Template#structs}): docker's
 * Labels, Options, Networks and the like. A key it lacks prints {@code <no value>}, where a
 * field a struct lacks is an error.
 */
public final class GoMap extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    /** A copy of map's entries, in its order. */
    public GoMap(Map<?, ?> map) {
        map.forEach((k, v) -> put(String.valueOf(k), v));
    }

    /** Whether this is a map[string]string as far as its values tell (an empty map is). */
    boolean ofStrings() {
        return values().stream().allMatch(v -> v instanceof String);
    }
}
