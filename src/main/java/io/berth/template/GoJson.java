package io.berth.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * JSON text as docker's {@code json} template function writes it: Go's encoding/json with HTML
 * escaping turned off, and no trailing newline. Hand-written because Jackson differs from Go in
 * small visible ways (float forms such as 1e+21, the escaping of U+2028).
 */
final class GoJson {
    private GoJson() {
    }

    /**
     * Encodes a value; NaN or infinity give "" as docker's function does on Go's error. A table
     * row is escaped for HTML (&lt; as \u003c): docker marshals a row itself with
     * json.Marshal, which escapes, before the json function copies the result unchanged.
     */
    static String encode(Object value) {
        StringBuilder out = new StringBuilder();
        try {
            write(out, value, value instanceof TableFormat.Row);
        } catch (ArithmeticException unsupported) {
            return "";
        }
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, boolean html) {
        switch (Values.normalize(value)) {
            case null -> out.append("null");
            case String s -> writeString(out, s, html);
            case Long n -> out.append(n);
            case Double d -> out.append(number(d));
            case Boolean b -> out.append(b);
            case NilSlice nil -> out.append("null");
            case GoMap map when map.isNil() -> out.append("null");
            case List<?> list -> writeList(out, list, html);
            case Map<?, ?> map -> writeMap(out, map, html);
            case Template.Method m -> out.append("null");
            case Object other -> writeString(out, other.toString(), html);
        }
    }

    private static void writeList(StringBuilder out, List<?> list, boolean html) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            out.append(i > 0 ? "," : "");
            write(out, list.get(i), html);
        }
        out.append(']');
    }

    /**
     * Ordered maps keep their order: they stand for Go structs, whose fields encode in
     * declaration order (a Jackson tree of docker's inspect output arrives in that order).
     * Other maps are sorted, as Go sorts map keys.
     */
    private static void writeMap(StringBuilder out, Map<?, ?> map, boolean html) {
        boolean ordered = map instanceof LinkedHashMap || map instanceof SortedMap;
        Iterable<? extends Map.Entry<?, ?>> entries =
                ordered ? map.entrySet() : Values.sortedEntries(map);
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : entries) {
            if (e.getValue() instanceof Template.Method) {
                continue;
            }
            out.append(first ? "" : ",");
            writeString(out, String.valueOf(e.getKey()), html);
            out.append(':');
            write(out, e.getValue(), html);
            first = false;
        }
        out.append('}');
    }

    /** Go's float encoding: shortest 'f' form, 'e' form outside [1e-6, 1e21). */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new ArithmeticException("json: unsupported value");
        }
        double abs = Math.abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
            String e = GoFormat.formatE(d, -1, false);
            return e.replaceFirst("e-0(\\d)$", "e-$1");
        }
        return GoFormat.formatF(d, -1);
    }

    private static void writeString(StringBuilder out, String s, boolean html) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                case '<', '>', '&' -> out.append(html ? String.format("\\u%04x", (int) c) : c);
                default -> appendPlain(out, s, i, c);
            }
        }
        out.append('"');
    }

    private static void appendPlain(StringBuilder out, String s, int i, char c) {
        if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
        } else if (Character.isSurrogate(c) && !isPairedSurrogate(s, i)) {
            out.append("\\ufffd");
        } else {
            out.append(c);
        }
    }

    private static boolean isPairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
