package io.berth.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Content-addressed small blobs (image configs and manifests) under {@code blobs/sha256/HEX}. A
 * blob is written to a temporary file and renamed into place, so a reader never sees half of one.
 */
final class BlobStore {
    private final Path dir;

    BlobStore(Path root) {
        this.dir = root.resolve("blobs").resolve("sha256");
    }

    /** Stores {@code content} and returns its digest; storing it again changes nothing. */
    String put(byte[] content) {
        String digest = Digest.of(content);
        Path target = path(digest);
        if (Files.exists(target)) {
            return digest;
        }
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return digest;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("store blob " + digest, e);
        }
    }

    /** Deletes a blob, if stored. */
    void delete(String digest) {
        try {
            Files.deleteIfExists(path(digest));
        } catch (IOException e) {
            throw new UncheckedIOException("delete blob " + digest, e);
        }
    }

    boolean has(String digest) {
        return Files.exists(path(digest));
    }

    Optional<byte[]> get(String digest) {
        try {
            return Optional.of(Files.readAllBytes(path(digest)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("read blob " + digest, e);
        }
    }

    Path path(String digest) {
        return dir.resolve(Digest.hex(digest));
    }
}
