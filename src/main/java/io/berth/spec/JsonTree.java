package io.berth.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as plain Java values (LinkedHashMap, ArrayList, String, Long or BigInteger,
 * Double, Boolean, null), read with Jackson's streaming parser only. Every `berth oci` call and
 * every start reads config.json and state.json: Jackson's data binding builds a deserializer per
 * record type by reflection on first use (about a third of a cold `oci run`), while the
 * streaming parser is a few classes. {@link Fields} then takes typed values out, naming the
 * field of a value of the wrong kind as data binding did.
 */
public final class JsonTree {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree() {
    }

    /** The document's one value; a second value or a syntax error throws. */
    public static Object parse(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonParseException(parser, "No content to map due to end-of-input");
            }
            Object value = value(parser, first);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser,
                        "Trailing token (of type " + parser.currentToken() + ") found after value");
            }
            return value;
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT;
                        t = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, value(parser, parser.nextToken()));
                }
                return object;
            case START_ARRAY:
                List<Object> array = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY;
                        t = parser.nextToken()) {
                    array.add(value(parser, t));
                }
                return array;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? parser.getBigIntegerValue() : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonParseException(parser, "Unexpected token " + token);
        }
    }

    /** A value of the wrong kind, with where it is: "process.rlimits[1].hard". */
    public static final class FieldException extends RuntimeException {
        FieldException(String path, String message) {
            super(path + ": " + message);
        }
    }

    /**
     * One JSON object and its path from the document's root, with typed getters that take
     * values as Jackson's data binding did by default: scalars of another kind are converted
     * where that is lossless in meaning ("5" for a number, 5 for a string), null and absent are
     * null (0 or false for primitives), unknown fields are ignored.
     */
    public record Fields(Map<String, Object> map, String path) {

        public static Fields root(Object document) {
            return of(document, "");
        }

        private static Fields of(Object value, String path) {
            if (value instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) m;
                return new Fields(map, path);
            }
            throw new FieldException(path.isEmpty() ? "(root)" : path,
                    "expected an object, not " + describe(value));
        }

        private String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        public Fields object(String key) {
            Object v = map.get(key);
            return v == null ? null : of(v, at(key));
        }

        public String string(String key) {
            return text(map.get(key), at(key));
        }

        public Boolean bool(String key) {
            return asBool(map.get(key), at(key));
        }

        public boolean bool(String key, boolean absent) {
            Boolean b = bool(key);
            return b == null ? absent : b;
        }

        public Long longValue(String key) {
            return number(map.get(key), at(key), Long.MIN_VALUE, Long.MAX_VALUE);
        }

        public long longOrZero(String key) {
            Long v = longValue(key);
            return v == null ? 0 : v;
        }

        public Integer intValue(String key) {
            Long v = number(map.get(key), at(key), Integer.MIN_VALUE, Integer.MAX_VALUE);
            return v == null ? null : v.intValue();
        }

        public int intOrZero(String key) {
            Integer v = intValue(key);
            return v == null ? 0 : v;
        }

        public List<String> strings(String key) {
            List<Object> items = list(key);
            if (items == null) {
                return null;
            }
            List<String> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(text(items.get(i), at(key) + "[" + i + "]"));
            }
            return out;
        }

        public List<Long> longs(String key) {
            List<Object> items = list(key);
            if (items == null) {
                return null;
            }
            List<Long> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(number(items.get(i), at(key) + "[" + i + "]", Long.MIN_VALUE,
                        Long.MAX_VALUE));
            }
            return out;
        }

        /** Each element of an array of objects, as Fields; null elements stay null. */
        public List<Fields> objects(String key) {
            List<Object> items = list(key);
            if (items == null) {
                return null;
            }
            List<Fields> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                out.add(item == null ? null : of(item, at(key) + "[" + i + "]"));
            }
            return out;
        }

        public Map<String, String> stringMap(String key) {
            Fields m = object(key);
            if (m == null) {
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            m.map.forEach((k, v) -> out.put(k, text(v, m.at(k))));
            return out;
        }

        /** An object whose values are objects, as Fields by key. */
        public Map<String, Fields> objectMap(String key) {
            Fields m = object(key);
            if (m == null) {
                return null;
            }
            Map<String, Fields> out = new LinkedHashMap<>();
            m.map.forEach((k, v) -> out.put(k, v == null ? null : of(v, m.at(k))));
            return out;
        }

        private List<Object> list(String key) {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof List<?> l) {
                @SuppressWarnings("unchecked")
                List<Object> items = (List<Object>) l;
                return items;
            }
            throw new FieldException(at(key), "expected an array, not " + describe(v));
        }
    }

    private static String text(Object v, String path) {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof Map || v instanceof List) {
            throw new FieldException(path, "expected a string, not " + describe(v));
        }
        return v.toString();
    }

    private static Boolean asBool(Object v, String path) {
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof String s) {
            if (s.isEmpty()) {
                return null;
            }
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(s);
            }
        } else if (v instanceof Long n) {
            return n != 0;
        }
        throw new FieldException(path, "expected true or false, not " + describe(v));
    }

    private static Long number(Object v, String path, long min, long max) {
        Long n = null;
        if (v == null) {
            return null;
        } else if (v instanceof Long l) {
            n = l;
        } else if (v instanceof Double d && !d.isNaN() && !d.isInfinite()
                && d >= min && d <= max) {
            n = d.longValue(); // truncated, as data binding accepts 1.5 for an integer field
        } else if (v instanceof String s) {
            if (s.isBlank()) {
                return null;
            }
            try {
                n = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw new FieldException(path, "expected a number, not " + describe(v));
            }
        } else if (v instanceof BigInteger) {
            throw new FieldException(path, "number " + v + " is out of range");
        }
        if (n == null) {
            throw new FieldException(path, "expected a number, not " + describe(v));
        }
        if (n < min || n > max) {
            throw new FieldException(path, "number " + n + " is out of range");
        }
        return n;
    }

    private static String describe(Object v) {
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String s) {
            return "the string \"" + s + "\"";
        }
        return String.valueOf(v);
    }
}
