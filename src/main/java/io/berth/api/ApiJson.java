package io.berth.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * JSON as the Docker clients write and read it. Reading forgives what docker-java sends (nulls
 * for nearly every field, keys the CLI never sends); writing keeps nulls, since docker's
 * answers carry them ({"Error":null}) and clients read the keys.
 */
final class ApiJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();

    private ApiJson() {
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("write JSON of " + value.getClass(), e);
        }
    }

    /** A request body as the given type; an empty body is null; broken JSON a 400. */
    static <T> T read(InputStream body, Class<T> type) {
        try {
            byte[] bytes = body.readAllBytes();
            if (bytes.length == 0) {
                return null;
            }
            return MAPPER.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "request body: "
                    + io.berth.spec.SpecJson.problem(e));
        } catch (IOException e) {
            throw new UncheckedIOException("read request body", e);
        }
    }
}
