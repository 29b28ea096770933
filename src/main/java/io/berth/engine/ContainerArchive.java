package io.berth.engine;

import io.berth.convert.InvalidRequestException;
import io.berth.image.IdShift;
import io.berth.image.Image;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies between a container's root filesystem and tar streams: what docker's archive endpoints
 * (HEAD, GET and PUT /containers/{id}/archive) and {@code docker cp} do. A path names a place in
 * the container, resolved as the container would see it: relative paths start at "/", ".."
 * stops at the root, and symlinks lead where they lead inside the container. A stopped
 * container's overlay is mounted for the copy and unmounted after it.
 *
 * <p>A running container's own mounts (binds, and the /etc/hosts, /etc/hostname and
 * /etc/resolv.conf the engine binds in) are seen, through /proc/PID/root; a stopped one's copy
 * sees the overlay beneath them. Not yet: a start racing a copy into a stopped container finds
 * its root mounted by the copy; a lock per container, taken by start and by the copy, would
 * order them.
 */
final class ContainerArchive {
    private final Engine engine;
    private final Sys sys;

    ContainerArchive(Engine engine, Sys sys) {
        this.engine = engine;
        this.sys = sys;
    }

    /** What the path is, without copying it (HEAD /containers/{id}/archive). */
    PathStat stat(String nameOrId, String path) {
        Container c = engine.get(nameOrId);
        try (MountedRoot root = mount(c)) {
            return locate(root.path(), nameOrId, path).stat();
        }
    }

    /**
     * A tar of the path, its top entry named as the path's last component ("." for a path
     * ending in "/.", which stands for a folder's contents). Host ids of a user-namespaced
     * container are stored as the container's own.
     */
    ArchiveStream copyFrom(String nameOrId, String path) {
        Container c = engine.get(nameOrId);
        MountedRoot root = mount(c);
        try {
            Located at = locate(root.path(), nameOrId, path);
            InputStream tar = TreePacker.stream(at.file(), at.entryName(), shift(c), root::close);
            return new ArchiveStream(at.stat(), tar);
        } catch (IOException e) {
            root.close();
            throw new UncheckedIOException("archive " + path + " in container " + nameOrId, e);
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /**
     * Extracts a tar into a folder of the container. What is written belongs to the
     * container's root user unless {@code copyUidGid} keeps the ids of the tar.
     */
    void copyTo(String nameOrId, String path, InputStream tar, boolean noOverwriteDirNonDir,
            boolean copyUidGid) {
        Container c = engine.get(nameOrId);
        try (MountedRoot root = mount(c)) {
            Path folder = RootedPath.rootOf(root.path()).resolve(lexical(path), true,
                    RootedPath.Missing.APPEND, new ArrayList<>()).onHost();
            if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                throw fileNotFound(path, nameOrId);
            }
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidRequestException("extraction point is not a directory");
            }
            TreeUnpacker.Options options = TreeUnpacker.Options.of(copyUidGid
                    ? TreeUnpacker.Owners.ARCHIVE : TreeUnpacker.Owners.ROOT, shift(c),
                    noOverwriteDirNonDir);
            TreeUnpacker.unpack(tar, root.path(), folder, options, sys);
        } catch (IOException e) {
            throw new UncheckedIOException("extract into " + path + " in container " + nameOrId,
                    e);
        }
    }

    /** A path found in the container: the file on the host, its stat and its tar name. */
    private record Located(Path file, PathStat stat, String entryName) {
    }

    /**
     * Finds a path as docker does: every component but the last is followed; the last is
     * followed only when the path ends in "/" or "/.", which also asks for a folder.
     */
    private static Located locate(Path root, String nameOrId, String path) {
        String abs = lexical(path);
        boolean contents = path.equals(".") || path.endsWith("/.");
        boolean folder = contents || path.endsWith("/");
        int slash = abs.lastIndexOf('/');
        String base = abs.substring(slash + 1);
        try {
            RootedPath dir = RootedPath.rootOf(root).resolve(abs.substring(0, slash + 1), true,
                    RootedPath.Missing.APPEND, new ArrayList<>());
            RootedPath file = base.isEmpty() ? dir
                    : dir.resolve(base, folder, RootedPath.Missing.APPEND, new ArrayList<>());
            Path onHost = file.onHost();
            if (!Files.exists(onHost, LinkOption.NOFOLLOW_LINKS)) {
                throw fileNotFound(path, nameOrId);
            }
            if (folder && !Files.isDirectory(onHost, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidRequestException("lstat " + abs + "/: not a directory");
            }
            String name = contents ? "." : base.isEmpty() ? "/" : base;
            String linkTarget = Files.isSymbolicLink(onHost) ? RootedPath.rootOf(root)
                    .resolve(abs, true, RootedPath.Missing.APPEND, new ArrayList<>()).inRoot()
                    : null;
            return new Located(onHost, PathStat.of(onHost, name, linkTarget),
                    name.equals("/") ? "." : name);
        } catch (IOException e) {
            throw new UncheckedIOException("stat " + path + " in container " + nameOrId, e);
        }
    }

    /** The path from "/", cleaned of ".", ".." and repeated slashes, as Go's filepath.Join. */
    static String lexical(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : RootedPath.split(path)) {
            if (!part.equals("..")) {
                parts.add(part);
            } else if (!parts.isEmpty()) {
                parts.removeLast();
            }
        }
        return "/" + String.join("/", parts);
    }

    private static NotFoundException fileNotFound(String path, String nameOrId) {
        return new NotFoundException("Could not find the file " + path + " in container "
                + nameOrId);
    }

    private static IdShift shift(Container c) {
        Long hostId = c.record().usernsHostId();
        return hostId == null ? null : new IdShift(hostId, Engine.USERNS_SIZE);
    }

    private MountedRoot mount(Container c) {
        // A running container is read and written as its processes see it: through its mount
        // namespace, so that the engine's /etc files and bind mounts are there too.
        // Its "." end: /proc/PID/root itself is a link, which no-follow checks of the root
        // (a copy into "/") would take for a file.
        Path seen = c.running() && c.pid() > 0
                ? Path.of("/proc", Long.toString(c.pid()), "root", ".") : null;
        if (seen != null && Files.isDirectory(seen)) {
            return new MountedRoot(seen, null);
        }
        ContainerFiles files = new ContainerFiles(engine.config().root().resolve("containers")
                .resolve(c.id()));
        Path rootfs = files.rootfs();
        if (MountInfo.isMountPoint(rootfs)) {
            return new MountedRoot(rootfs, null);
        }
        Image image = engine.images().find(c.record().imageId()).orElseThrow(
                () -> new NotFoundException("No such image: " + c.record().imageId()));
        files.create();
        engine.images().mountSnapshot(image, files.snapshot(), rootfs, shift(c));
        return new MountedRoot(rootfs, engine);
    }

    /**
     * A container's root, mounted for a copy when it was not mounted already; closing unmounts
     * what was mounted here, once, from whichever thread is last done with it.
     */
    private static final class MountedRoot implements AutoCloseable {
        private final Path path;
        private final Engine mountedBy;
        private final AtomicBoolean closed = new AtomicBoolean();

        MountedRoot(Path path, Engine mountedBy) {
            this.path = path;
            this.mountedBy = mountedBy;
        }

        Path path() {
            return path;
        }

        @Override
        public void close() {
            if (mountedBy != null && closed.compareAndSet(false, true)) {
                mountedBy.images().unmountSnapshot(path);
            }
        }
    }
}
