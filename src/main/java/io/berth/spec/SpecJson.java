package io.berth.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes config.json; a write goes to a temporary file that is then renamed. */
public final class SpecJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SpecJson() {
    }

    /** The mapper shared by the spec and image records. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static Spec read(Path configJson) {
        try {
            return MAPPER.readValue(configJson.toFile(), Spec.class);
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(configJson + ": " + field(e) + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("read " + configJson, e);
        }
    }

    /**
     * Jackson's complaint on one line with where it was: {@code invalid JSON at line 1, column
     * 2: Unexpected character ...}. Its own message adds a second line naming a redacted source,
     * which the caller replaces by naming the file or body itself.
     */
    public static String problem(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName()
                : e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ");
        return "invalid JSON" + where + ": " + field(e) + message;
    }

    /** "linux.resources.memory.limit: " for a value of the wrong kind, so the user finds it. */
    private static String field(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path + ": ";
    }

    public static void write(Spec spec, Path configJson) {
        Path tmp = configJson.resolveSibling(configJson.getFileName() + ".tmp");
        try {
            MAPPER.writeValue(tmp.toFile(), spec);
            Files.move(tmp, configJson, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("write " + configJson, e);
        }
    }
}
