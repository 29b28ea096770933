package io.berth.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Plain Java values (Map, Collection, String, Number, Boolean, null) as JSON, through Jackson's
 * streaming generator: the OCI command line's output (state, list, features, its JSON log) and
 * the hooks' state, without loading data binding in a process that runs for one command. Pretty
 * output uses the same {@link DefaultPrettyPrinter} data binding's default pretty writer uses.
 */
public final class JsonWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonWriter() {
    }

    /** On one line, as {@code writer().without(INDENT_OUTPUT)} wrote it. */
    public static String compact(Object value) {
        return write(value, false);
    }

    /** Indented, as {@code writerWithDefaultPrettyPrinter()} wrote it. */
    public static String pretty(Object value) {
        return write(value, true);
    }

    /** A JSON document as it is, indented. */
    public static String prettyCopy(byte[] json) {
        StringWriter out = new StringWriter();
        try (JsonParser parser = FACTORY.createParser(json);
                JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            if (parser.nextToken() != null) {
                g.copyCurrentStructure(parser);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copy JSON", e);
        }
        return out.toString();
    }

    private static String write(Object value, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            value(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException("write JSON", e);
        }
        return out.toString();
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Short s -> g.writeNumber(s);
            case BigInteger b -> g.writeNumber(b);
            case BigDecimal b -> g.writeNumber(b);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    value(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Collection<?> c -> {
                g.writeStartArray();
                for (Object item : c) {
                    value(g, item);
                }
                g.writeEndArray();
            }
            default -> throw new IllegalArgumentException("no JSON form for "
                    + v.getClass().getName());
        }
    }
}
