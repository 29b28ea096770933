package io.berth.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code filters} query parameter: JSON of a name to its values, either a list
 * ({"label":["k=v"]}, docker-java) or a map to true ({"label":{"k=v":true}}, the CLI).
 */
final class Filters {
    private final Map<String, List<String>> values;

    private Filters(Map<String, List<String>> values) {
        this.values = values;
    }

    static Filters parse(String json) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return new Filters(values);
        }
        JsonNode root;
        try {
            root = ApiJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "invalid filter: " + json);
        }
        root.properties().forEach(entry -> {
            List<String> list = new ArrayList<>();
            JsonNode v = entry.getValue();
            if (v.isArray()) {
                v.forEach(item -> list.add(item.asText()));
            } else if (v.isObject()) {
                v.properties().forEach(item -> list.add(item.getKey()));
            } else {
                list.add(v.asText());
            }
            values.put(entry.getKey(), list);
        });
        return new Filters(values);
    }

    /** Every name with its values. */
    Map<String, List<String>> asMap() {
        return values;
    }

    List<String> get(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** Every "key" or "key=value" label filter holds for these labels. */
    boolean labelsMatch(Map<String, String> labels) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        for (String wanted : get("label")) {
            int eq = wanted.indexOf('=');
            String key = eq < 0 ? wanted : wanted.substring(0, eq);
            if (!have.containsKey(key)) {
                return false;
            }
            if (eq >= 0 && !wanted.substring(eq + 1).equals(have.get(key))) {
                return false;
            }
        }
        return true;
    }

    /** No values given for this name, or one of them equals the value. */
    boolean anyOrEquals(String name, String value) {
        List<String> wanted = get(name);
        return wanted.isEmpty() || wanted.contains(value);
    }
}
