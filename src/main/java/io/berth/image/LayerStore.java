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
 * folder (an overlay lower dir) and {@code size} its content bytes. Since every layer is a lower
 * dir of its own, its folder depends on its diff id alone, and images share it.
 */
final class LayerStore {
    private final Path dir;
    private final Path staging;

    LayerStore(Path root) {
        this.dir = root.resolve("layers");
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

    private Path folder(String diffId) {
        return dir.resolve(Digest.hex(diffId));
    }
}
