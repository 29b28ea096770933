package io.berth.image.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Credentials per registry, in the shape of docker's config.json ({@code {"auths": {"host":
 * {"auth": base64("user:password")}}}}), in a file only root can read (mode 0600, written whole
 * with that mode before it gets its name).
 */
public final class AuthFile {
    private final Path file;

    /** Credentials kept in {@code file}; the file is made on the first {@link #save}. */
    public AuthFile(Path file) {
        this.file = file;
    }

    /** A user name and password (or identity token) for one registry. */
    public record Credential(String username, String password) {
        String basic() {
            return Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credential[" + username + "]";
        }
    }

    /** The credentials stored for {@code registry} ({@code docker.io}, {@code host:port}). */
    public Optional<Credential> find(String registry) {
        String auth = read().path("auths").path(registry).path("auth").asText("");
        if (auth.isEmpty()) {
            return Optional.empty();
        }
        String pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon < 0 ? Optional.empty()
                : Optional.of(new Credential(pair.substring(0, colon), pair.substring(colon + 1)));
    }

    /** Stores (or replaces) the credentials of {@code registry}. */
    public synchronized void save(String registry, Credential credential) {
        ObjectNode root = read();
        ObjectNode auths = root.has("auths") && root.get("auths").isObject()
                ? (ObjectNode) root.get("auths") : root.putObject("auths");
        auths.putObject(registry).put("auth", credential.basic());
        write(root);
    }

    /** Forgets the credentials of {@code registry}; false when there were none. */
    public synchronized boolean remove(String registry) {
        ObjectNode root = read();
        JsonNode auths = root.path("auths");
        if (!auths.isObject() || ((ObjectNode) auths).remove(registry) == null) {
            return false;
        }
        write(root);
        return true;
    }

    private ObjectNode read() {
        try {
            JsonNode node = SpecJson.mapper().readTree(Files.readAllBytes(file));
            return node instanceof ObjectNode object ? object
                    : SpecJson.mapper().createObjectNode();
        } catch (NoSuchFileException e) {
            return SpecJson.mapper().createObjectNode();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("read credentials " + file,
                    new IOException(SpecJson.problem(e), e));
        } catch (IOException e) {
            throw new UncheckedIOException("read credentials " + file, e);
        }
    }

    private void write(ObjectNode root) {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID());
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, SpecJson.mapper().writeValueAsBytes(root));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("write credentials " + file, e);
        }
    }
}
