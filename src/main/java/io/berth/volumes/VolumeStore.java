package io.berth.volumes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Volumes' files as docker's local driver keeps them: a folder per volume under the root's
 * {@code volumes}, whose {@code _data} the container mounts. An anonymous volume ({@code -v
 * /path}) is named by 64 hex digits derived from its container; a named volume's folder bears
 * its name, and its record in the store says that it exists.
 */
public final class VolumeStore {
    private static final Pattern ANONYMOUS = Pattern.compile("[0-9a-f]{64}");
    /** A name that is one folder under dir, never a path (the volume rule's characters). */
    private static final Pattern FOLDER = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private static final String POPULATED = "populated";

    private final Path dir;

    /** The volumes of the root whose {@code volumes} folder is dir. */
    public VolumeStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The name of a container's anonymous volume at destination: derived from both, so that
     * the container's record is all that is needed to find its volumes again.
     */
    public static String anonymousName(String containerId, String destination) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((containerId + "\n" + destination).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether the name is one an anonymous volume has (64 hex digits). */
    public static boolean isAnonymous(String name) {
        return ANONYMOUS.matcher(name).matches();
    }

    /** The folder a container mounts for the volume. */
    public Path data(String name) {
        if (!FOLDER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a volume name: " + name);
        }
        return dir.resolve(name).resolve("_data");
    }

    /**
     * When the volume's folder was made: its birth time where the file system keeps one (the
     * JDK falls back to the modification time, which the first fill moves).
     */
    public Instant created(String name) {
        try {
            return Files.readAttributes(dir.resolve(name), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).creationTime().toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException("read volume " + name, e);
        }
    }

    /** Makes the volume's folders (0755, root's) if they are not there; returns its data. */
    public Path create(String name) {
        Path data = data(name);
        try {
            Files.createDirectories(dir);
            Files.createDirectories(data);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("create volume " + name, e);
        }
    }

    /**
     * Fills a new volume with what the image has at its mount point, once, as docker does the
     * first time it mounts a volume: files, owners, modes, timestamps, xattrs, hard and
     * symbolic links (copied as links, never followed). With no folder there, the volume's
     * root is left empty and given to rootUid:rootGid (the container's root, mapped), so that
     * root in a user namespace can write it. A volume filled once, or not empty, is left as it
     * is.
     *
     * @param source the folder on the host, already resolved inside the container's root, or
     *     null when the image has none there
     */
    public void populate(String name, Path source, long rootUid, long rootGid) {
        Path marker = dir.resolve(name).resolve(POPULATED);
        Path data = data(name);
        try {
            if (Files.exists(marker) || !isEmpty(data)) {
                return;
            }
            if (source != null && Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                copyTree(source, data);
            } else {
                Files.setAttribute(data, "unix:uid", (int) rootUid);
                Files.setAttribute(data, "unix:gid", (int) rootGid);
            }
            Files.createFile(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("fill volume " + name + " from the image", e);
        }
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * coreutils' cp -a keeps everything a volume's first fill must (owners, modes with set-id
     * bits, xattrs such as file capabilities, hard links, devices, FIFOs) and follows no
     * symlink; -T copies the folder's contents and its own owner and mode onto data.
     */
    private static void copyTree(Path source, Path data) throws IOException {
        Process cp = new ProcessBuilder("cp", "-a", "-T", "--", source.toString(),
                data.toString()).redirectErrorStream(true).redirectInput(
                ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output = new String(cp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (cp.waitFor() != 0) {
                throw new IOException("cp -a " + source + ": " + output.strip());
            }
        } catch (InterruptedException e) {
            cp.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("cp -a " + source + ": interrupted", e);
        }
    }

    /** Every folder named as an anonymous volume is (64 hex digits), sorted. */
    public List<String> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> ANONYMOUS.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("list " + dir, e);
        }
    }

    /** The volume, if its folder exists. */
    public Optional<String> find(String name) {
        return FOLDER.matcher(name).matches() && Files.isDirectory(dir.resolve(name))
                ? Optional.of(name) : Optional.empty();
    }

    /** Bytes of the regular files in the volume. */
    public long size(String name) {
        long[] total = {0};
        walk(dir.resolve(name), (p, attrs) -> {
            if (attrs.isRegularFile()) {
                total[0] += attrs.size();
            }
        }, false);
        return total[0];
    }

    /**
     * Deletes the volume and everything in it. Symbolic links are deleted, never followed, so
     * a link a container left pointing at a host folder removes nothing there.
     */
    public void remove(String name) {
        Path volume = dir.resolve(name);
        if (Files.exists(volume, LinkOption.NOFOLLOW_LINKS)) {
            walk(volume, (p, attrs) -> { }, true);
        }
    }

    private interface Visit {
        void file(Path p, BasicFileAttributes attrs);
    }

    private static void walk(Path root, Visit visit, boolean delete) {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<IOException> failures = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs)
                        throws IOException {
                    visit.file(p, attrs);
                    if (delete) {
                        Files.delete(p);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e)
                        throws IOException {
                    if (e != null) {
                        failures.add(e);
                    } else if (delete) {
                        Files.delete(d);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException((delete ? "remove " : "read ") + root, e);
        }
        if (!failures.isEmpty()) {
            throw new UncheckedIOException((delete ? "remove " : "read ") + root,
                    failures.getFirst());
        }
    }
}
