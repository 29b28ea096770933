package io.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming writer's output is data binding's, byte for byte. */
class JsonWriterTest {
    private static Map<String, Object> sample() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("ociVersion", "1.2.0");
        value.put("pid", 4242L);
        value.put("small", 7);
        value.put("ok", true);
        value.put("none", null);
        value.put("quoted", "a \"b\" \\ c\n\u0001");
        value.put("pids", List.of(1L, 2L));
        value.put("empty", Map.of());
        value.put("nested", Map.of("list", List.of(Map.of("k", "v"), List.of())));
        return value;
    }

    @Test
    void compactOutputIsDataBindingsWithoutIndentation() throws Exception {
        assertEquals(SpecJson.mapper().writer().without(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(sample()), JsonWriter.compact(sample()));
    }

    @Test
    void prettyOutputIsDataBindingsDefaultPrettyPrinter() throws Exception {
        assertEquals(SpecJson.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(sample()), JsonWriter.pretty(sample()));
    }

    @Test
    void aPrettyCopyIsWhatReadTreeAndThePrettyWriterGave() throws Exception {
        byte[] json = JsonWriter.compact(sample()).getBytes(StandardCharsets.UTF_8);
        assertEquals(SpecJson.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(SpecJson.mapper().readTree(json)),
                JsonWriter.prettyCopy(json));
    }
}
