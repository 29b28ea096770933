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

    private final boolean nil;

    /** A copy of map's entries, in its order. */
    public GoMap(Map<?, ?> map) {
        this(map, false);
    }

    private GoMap(Map<?, ?> map, boolean nil) {
        this.nil = nil;
        map.forEach((k, v) -> put(String.valueOf(k), v));
    }

    /**
     * A nil Go map, a field docker's typed value has but left unset: it prints as
     * {@code map[]} and has no keys, but the json function writes it as {@code null}.
     */
    public static GoMap nil() {
        return new GoMap(Map.of(), true);
    }

    /** Whether this is a nil map, written as JSON null. */
    boolean isNil() {
        return nil && isEmpty();
    }

    /** Whether this is a map[string]string as far as its values tell (an empty map is). */
    boolean ofStrings() {
        return values().stream().allMatch(v -> v instanceof String);
    }
}
