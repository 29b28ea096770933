package io.berth.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value model templates run on, and Go's rules over it. Data arrives as Maps, Lists,
 * Strings, numbers, Booleans and nulls, or as a Jackson tree; here every number becomes a Long
 * (Go's int) or a Double (float64) and a Jackson tree becomes the same Maps and Lists.
 */
final class Values {
    private Values() {
    }

    /** The value in the model's own types; containers are converted one level at a time. */
    static Object normalize(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Long n -> n;
            case Double d -> d;
            case Boolean b -> b;
            case Map<?, ?> m -> m;
            case List<?> l -> l;
            case Integer n -> n.longValue();
            case Short n -> n.longValue();
            case Byte n -> n.longValue();
            case BigInteger n -> n.bitLength() < 64 ? (Object) n.longValue() : n.doubleValue();
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case Character c -> String.valueOf(c);
            case Object[] array -> Arrays.asList(array);
            case Enum<?> e -> e.name();
            default -> isJsonTree(value) ? fromJson((JsonNode) value) : value;
        };
    }

    /**
     * Tests by name so that Jackson's classes load only when a Jackson tree is really given:
     * the CLI pays for every class it loads, on every call.
     */
    private static boolean isJsonTree(Object value) {
        for (Class<?> c = value.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("com.fasterxml.jackson.databind.JsonNode")) {
                return true;
            }
        }
        return false;
    }

    /** Converts a whole Jackson tree, keeping object key order as the JSON had it. */
    static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), fromJson(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(fromJson(element)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return normalize(node.bigIntegerValue());
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isPojo()) {
            return normalize(((com.fasterxml.jackson.databind.node.POJONode) node).getPojo());
        }
        return node.asText();
    }

    /** Go's type name as fmt prints it in {@code %!d(string=x)} and %T. */
    static String typeName(Object value) {
        return switch (normalize(value)) {
            case null -> "<nil>";
            case String s -> "string";
            case Long n -> "int";
            case Double d -> "float64";
            case Boolean b -> "bool";
            case List<?> l -> "[]interface {}";
            case Map<?, ?> m -> "map[string]interface {}";
            case Template.Method m -> "func";
            case Object other -> other.getClass().getSimpleName();
        };
    }

    /** Go's truth: false, 0, "", nil and empty lists and maps are false. */
    static boolean truth(Object value) {
        return switch (normalize(value)) {
            case null -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case Long n -> n != 0;
            case Double d -> d != 0;
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /** A map's entries in Go's order for printing and ranging: keys sorted. */
    static List<Map.Entry<String, Object>> sortedEntries(Map<?, ?> map) {
        TreeMap<String, Object> sorted = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            sorted.put(String.valueOf(e.getKey()), e.getValue());
        }
        return new ArrayList<>(sorted.entrySet());
    }

    static boolean isInteger(Object value) {
        return normalize(value) instanceof Long;
    }
}
