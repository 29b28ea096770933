package io.berth.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * Unpacked layers under {@code layers/HEX/}, keyed by diff id: {@code diff/} is the layer's
 * folder (an overlay lower dir) and {@code size} its content bytes. {@code layer-blobs/HEX}
 * holds the diff id a compressed blob unpacks to. Since every layer is a lower
 * dir of its own, its folder depends on its diff id alone, and images share it.
 */
final class LayerStore {
    private final Path dir;
    private final Path staging;
    private final Path byBlob;

    LayerStore(Path root) {
        this.dir = root.resolve("layers");
        this.byBlob = root.resolve("layer-blobs");
        this.staging = root.resolve("staging");
    }

    boolean has(String diffId) {
        return Files.isDirectory(folder(diffId).resolve("diff"));
    }

    /** The overlay lower dir of a stored layer. */
    Path diff(String diffId) {
        return folder(diffId).resolve("diff");
    }

    long size(String diffId) {
        try {
            return Long.parseLong(Files.readString(folder(diffId).resolve("size")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** A new empty staging folder with an empty {@code diff/} in it, on the store's disk. */
    Path stage() {
        Path folder = staging.resolve(UUID.randomUUID().toString());
        try {
            Files.createDirectories(staging);
            Files.createDirectory(folder);
            Files.createDirectory(folder.resolve("diff"));
            Files.setPosixFilePermissions(folder.resolve("diff"),
                    PosixFilePermissions.fromString("rwxr-xr-x"));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("make staging folder " + folder, e);
        }
    }

    /**
     * Moves a staged layer into place. When another load stored the same layer first, the
     * staged copy is dropped: the content is the same by its digest.
     */
    void commit(Path staged, String diffId, long size) {
        Path target = folder(diffId);
        try {
            Files.writeString(staged.resolve("size"), Long.toString(size));
            Files.createDirectories(dir);
            if (has(diffId)) {
                Tree.delete(staged);
                return;
            }
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            Tree.deleteQuietly(staged, e);
        } catch (IOException e) {
            throw new UncheckedIOException("store layer " + diffId, e);
        }
    }

    /**
     * Remembers that a (compressed) blob unpacks to a stored layer, so a later load of the same
     * blob only checks its digest instead of unpacking it again.
     */
    void rememberBlob(String blobDigest, String diffId) {
        Path file = byBlob.resolve(Digest.hex(blobDigest));
        if (blobDigest.equals(diffId) || Files.exists(file)) {
            return;
        }
        Path tmp = file.resolveSibling(".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(tmp, diffId);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("remember blob " + blobDigest, e);
        }
    }

    /**
     * A compressed form of a stored layer that a registry holds (pulled from one, or pushed):
     * a push first asks the registry for these instead of compressing the layer again.
     */
    record Compressed(String digest, long size, String mediaType, String repository) {
        /** The same blob as seen in {@code other} (domain/path), or "" for unknown. */
        Compressed in(String other) {
            return new Compressed(digest, size, mediaType, other);
        }
    }

    /** Remembers a compressed form of a stored layer; the layer must be stored. */
    void rememberCompressed(String diffId, Compressed blob) {
        java.util.List<Compressed> known = new java.util.ArrayList<>(compressed(diffId));
        if (!has(diffId) || known.contains(blob)) {
            return;
        }
        known.add(blob);
        StringBuilder text = new StringBuilder();
        known.forEach(c -> text.append(c.digest()).append(' ').append(c.size()).append(' ')
                .append(c.mediaType()).append(' ').append(c.repository().isEmpty() ? "-"
                        : c.repository()).append('\n'));
        Path file = folder(diffId).resolve("compressed");
        Path tmp = file.resolveSibling(".compressed-" + UUID.randomUUID());
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Tree.deleteQuietly(tmp, e);
            throw new UncheckedIOException("remember compressed blob of layer " + diffId, e);
        }
    }

    /** The compressed forms of a stored layer known so far. */
    java.util.List<Compressed> compressed(String diffId) {
        try {
            return Files.readAllLines(folder(diffId).resolve("compressed")).stream()
                    .map(line -> line.split(" ")).filter(p -> p.length == 4)
                    .filter(p -> Digest.isSha256(p[0]) && p[1].matches("[0-9]+"))
                    .map(p -> new Compressed(p[0], Long.parseLong(p[1]), p[2],
                            p[3].equals("-") ? "" : p[3])).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return java.util.List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("read compressed blobs of layer " + diffId, e);
        }
    }

    /** The diff id of a stored layer that {@code blobDigest} unpacks to, if one is stored. */
    java.util.Optional<String> diffIdOfBlob(String blobDigest) {
        if (has(blobDigest)) {
            return java.util.Optional.of(blobDigest);
        }
        try {
            String diffId = Files.readString(byBlob.resolve(Digest.hex(blobDigest))).strip();
            return Digest.isSha256(diffId) && has(diffId) ? java.util.Optional.of(diffId)
                    : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Deletes staging folders older than {@code age}: what a load killed midway left behind.
     * Younger ones may belong to a load still running in another process.
     */
    void sweepStaging(java.time.Duration age) {
        if (!Files.isDirectory(staging)) {
            return;
        }
        java.time.Instant cutoff = java.time.Instant.now().minus(age);
        try (var folders = Files.list(staging)) {
            for (Path folder : folders.toList()) {
                if (Files.getLastModifiedTime(folder).toInstant().isBefore(cutoff)) {
                    Tree.delete(folder);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("sweep " + staging, e);
        }
    }

    /** Every stored layer's diff id. */
    java.util.List<String> diffIds() {
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(Digest::isHex)
                    .map(hex -> "sha256:" + hex).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("list " + dir, e);
        }
    }

    /**
     * Deletes a layer: first renamed out of place, so no reader finds half of it, then removed
     * from staging. The caller makes sure no image (and no mounted snapshot) uses it.
     */
    void delete(String diffId) {
        Path doomed = staging.resolve("deleted-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            Files.move(folder(diffId), doomed, StandardCopyOption.ATOMIC_MOVE);
            Tree.delete(doomed);
            forgetBlobsOf(diffId);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("delete layer " + diffId, e);
        }
    }

    private void forgetBlobsOf(String diffId) throws IOException {
        if (!Files.isDirectory(byBlob)) {
            return;
        }
        try (var files = Files.list(byBlob)) {
            for (Path file : files.toList()) {
                if (Files.readString(file).strip().equals(diffId)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * The length of the layer's tar as {@link #writeTar} writes it.
     *
     * @throws ImageFormatException when the layer was stored without its tar-split
     */
    long tarSize(String diffId) {
        try {
            return TarSplit.size(tarSplit(diffId));
        } catch (IOException e) {
            throw new UncheckedIOException("read tar-split of layer " + diffId, e);
        }
    }

    /**
     * Writes the layer's tar again, byte for byte as it came, checking it against its diff id.
     * A mismatch (a file of the layer was changed) fails after the last byte: the caller must
     * throw away what it wrote.
     */
    void writeTar(String diffId, java.io.OutputStream out) {
        java.security.MessageDigest hash = Digest.sha256();
        try {
            TarSplit.replay(tarSplit(diffId), diff(diffId),
                    new java.security.DigestOutputStream(out, hash));
        } catch (IOException e) {
            throw new UncheckedIOException("write the tar of layer " + diffId + ": "
                    + ImageFormatException.reason(e), e);
        }
        String written = Digest.of(hash);
        if (!written.equals(diffId)) {
            throw new IllegalStateException("layer " + diffId + " was changed on disk: its tar"
                    + " now has the digest " + written);
        }
    }

    private Path tarSplit(String diffId) {
        Path file = folder(diffId).resolve(TarSplit.FILE);
        if (!Files.isRegularFile(file)) {
            throw new ImageFormatException("layer " + diffId + " was stored by an older Berth"
                    + " without its tar-split, so its tar cannot be written again; remove the"
                    + " image and load or pull it again.");
        }
        return file;
    }

    private Path folder(String diffId) {
        return dir.resolve(Digest.hex(diffId));
    }
}
