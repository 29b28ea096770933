package io.berth.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The store's small metadata files: {@code images/HEX} marks an image as present, and
 * {@code tags.json} maps canonical references to image ids. Each file is replaced whole
 * (temporary file, then rename), and changes happen under a lock on {@code lock}, so several
 * CLIs may load and tag at once.
 */
final class Catalog {
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final TypeReference<TreeMap<String, String>> TAGS = new TypeReference<>() {
    };

    private final Path root;
    private final Path images;
    private final Path tags;
    private final ObjectMapper mapper = SpecJson.mapper();

    Catalog(Path root) {
        this.root = root;
        this.images = root.resolve("images");
        this.tags = root.resolve("tags.json");
    }

    /**
     * Runs {@code change} holding the store's lock. A file lock excludes other processes; the
     * JVM lock excludes other threads, since a JVM holds a file lock for all of its threads.
     */
    <T> T locked(Supplier<T> change) {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(root.toAbsolutePath().normalize(),
                p -> new ReentrantLock());
        jvm.lock();
        try (FileChannel channel = FileChannel.open(root.resolve("lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            return change.get();
        } catch (IOException e) {
            throw new UncheckedIOException("lock image store " + root, e);
        } finally {
            jvm.unlock();
        }
    }

    boolean hasImage(String id) {
        return Files.exists(images.resolve(Digest.hex(id)));
    }

    void addImage(String id) {
        write(images.resolve(Digest.hex(id)), id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    List<String> imageIds() {
        if (!Files.isDirectory(images)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(images)) {
            return files.map(p -> p.getFileName().toString()).filter(Digest::isHex)
                    .map(hex -> "sha256:" + hex).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("list " + images, e);
        }
    }

    /** Canonical reference to image id. */
    TreeMap<String, String> tags() {
        try {
            return mapper.readValue(Files.readAllBytes(tags), TAGS);
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("read " + tags,
                    new IOException(io.berth.spec.SpecJson.problem(e), e));
        } catch (IOException e) {
            throw new UncheckedIOException("read " + tags, e);
        }
    }

    /** Points {@code reference} at {@code id}; call under {@link #locked}. */
    void tag(Reference reference, String id) {
        TreeMap<String, String> all = tags();
        all.put(reference.canonical(), id);
        writeTags(all);
    }

    /** Removes {@code reference}; call under {@link #locked}. */
    boolean untag(Reference reference) {
        TreeMap<String, String> all = tags();
        if (all.remove(reference.canonical()) == null) {
            return false;
        }
        writeTags(all);
        return true;
    }

    /** Drops the image's record and every tag pointing at it; call under {@link #locked}. */
    void removeImage(String id) {
        TreeMap<String, String> all = tags();
        if (all.values().removeIf(id::equals)) {
            writeTags(all);
        }
        try {
            Files.deleteIfExists(images.resolve(Digest.hex(id)));
        } catch (IOException e) {
            throw new UncheckedIOException("remove image " + id, e);
        }
    }

    private void writeTags(TreeMap<String, String> all) {
        try {
            write(tags, mapper.writeValueAsBytes(all));
        } catch (IOException e) {
            throw new UncheckedIOException("write " + tags, e);
        }
    }

    private static void write(Path file, byte[] content) {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID());
        try {
            Files.createDirectories(file.getParent());
            // On disk before it replaces the old file: a crash leaves the old or the new one.
            try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(false);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("write " + file, e);
        }
    }
}
