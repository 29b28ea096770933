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

/**
 * Reads and writes config.json; a write goes to a temporary file that is then renamed. Reading
 * takes Jackson's streaming parser only (see {@link SpecReader}): `berth oci` and every start
 * read config.json, and data binding's first use costs tens of milliseconds of a cold JVM.
 */
public final class SpecJson {
    private SpecJson() {
    }

    /** Made on first use: the paths that only read a spec never load data binding. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The mapper shared by the spec and image records. */
    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    public static Spec read(Path configJson) {
        byte[] json;
        try {
            json = Files.readAllBytes(configJson);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + configJson, e);
        }
        return parse(json, configJson.toString());
    }

    /** A spec from config.json's bytes; {@code name} is where they came from, for errors. */
    public static Spec parse(byte[] json, String name) {
        try {
            return SpecReader.spec(JsonTree.Fields.root(JsonTree.parse(json)));
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(name + ": " + e.getOriginalMessage());
        } catch (JsonTree.FieldException e) {
            throw new InvalidSpecException(name + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("read " + name, e);
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

    /** The process of a process.json (runc exec --process), as config.json's process. */
    public static Spec.Process readProcess(Path processJson) {
        try {
            Object tree = JsonTree.parse(Files.readAllBytes(processJson));
            return SpecReader.process(JsonTree.Fields.root(tree));
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(processJson + ": " + problem(e));
        } catch (JsonTree.FieldException e) {
            throw new InvalidSpecException(processJson + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("read " + processJson, e);
        }
    }

    public static void write(Spec spec, Path configJson) {
        Path tmp = configJson.resolveSibling(configJson.getFileName() + ".tmp");
        try {
            mapper().writeValue(tmp.toFile(), spec);
            Files.move(tmp, configJson, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("write " + configJson, e);
        }
    }
}
