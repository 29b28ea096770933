package io.berth.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.berth.spec.SpecJson;
import java.io.UncheckedIOException;

/** JSON output of the OCI command line, through the spec's shared mapper. */
final class Json {

    private Json() {
    }

    static String compact(Object value) {
        try {
            return SpecJson.mapper().writer().without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("write JSON", e);
        }
    }

    static String pretty(Object value) {
        try {
            return SpecJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("write JSON", e);
        }
    }
}
