package io.berth.engine;

import io.berth.network.HostsFile;
import io.berth.network.ResolvConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A container's folder under the engine's root: the files the engine writes for it (hostname,
 * hosts, resolv.conf), its log, its overlay snapshot and its bundle.
 */
record ContainerFiles(Path dir) {

    Path hostname() {
        return dir.resolve("hostname");
    }

    Path hosts() {
        return dir.resolve("hosts");
    }

    Path resolvConf() {
        return dir.resolve("resolv.conf");
    }

    Path log() {
        return dir.resolve("container.log");
    }

    Path snapshot() {
        return dir.resolve("snapshot");
    }

    Path bundle() {
        return dir.resolve("bundle");
    }

    Path rootfs() {
        return bundle().resolve("rootfs");
    }

    /**
     * Bytes in the container's writable layer and its logs (docker's SizeRw, as prune counts
     * it). The snapshot folder holds no mount, so the walk never enters the image's layers.
     */
    long writableSize() {
        return filesIn(List.of(snapshot(), dir));
    }

    /** Bytes in the container's writable layer alone: docker's SizeRw as ps -s shows it. */
    long layerSize() {
        return filesIn(List.of(snapshot()));
    }

    private long filesIn(List<Path> folders) {
        long total = 0;
        for (Path p : folders) {
            if (!Files.isDirectory(p)) {
                continue;
            }
            try (var walk = p.equals(dir) ? Files.list(p) : Files.walk(p)) {
                total += walk.filter(f -> Files.isRegularFile(f,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(f -> {
                            try {
                                return Files.size(f);
                            } catch (IOException e) {
                                return 0;
                            }
                        }).sum();
            } catch (IOException | UncheckedIOException e) {
                // Gone meanwhile: counts as nothing.
            }
        }
        return total;
    }

    void create() {
        try {
            Files.createDirectories(rootfs());
        } catch (IOException e) {
            throw new UncheckedIOException("create " + dir, e);
        }
    }

    /**
     * Writes /etc/hostname, /etc/hosts and /etc/resolv.conf before the container is created, so
     * that they can be bind-mounted; the network layer rewrites hosts and resolv.conf in place
     * once the container has its addresses.
     */
    void writeEtc(String hostname, Path hostResolvConf) {
        write(hostname(), hostname + "\n");
        write(hosts(), HostsFile.render(List.of(), null, List.of(), List.of()));
        write(resolvConf(), ResolvConf.render(read(hostResolvConf), List.of(), List.of(),
                List.of()));
    }

    /** A host file's text, empty when it does not exist. */
    static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }

    /**
     * Reads a file of the container's root without following a symlink out of it: a link
     * anywhere on the way makes the file count as absent, which is safe for passwd and group.
     */
    String readInRoot(String path) {
        Path p = rootfs();
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                return "";
            }
        }
        try {
            return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void write(Path file, String content) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("write " + file, e);
        }
    }

    /**
     * Moves the folder aside in one rename (to a dot name beside it), so that the id is free at
     * once and the slow {@link #delete()} can follow; null when there is no folder.
     */
    ContainerFiles moveAside() {
        Path aside = dir.resolveSibling(".removed-" + dir.getFileName() + "-" + System.nanoTime());
        try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            return new ContainerFiles(aside);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + dir, e);
        }
    }

    /** Deletes the folder; the caller has made sure nothing is mounted below it. */
    void delete() {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + dir, e);
        }
    }
}
