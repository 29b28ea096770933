package io.berth.api;

import io.berth.engine.Container;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * docker cp: HEAD and GET of /containers/{id}/archive stat and read a path of a running
 * container as a tar, PUT writes a tar into a folder of it. The container's root is reached
 * through /proc/PID/root, every path resolved inside it.
 *
 * <p>Not yet: copying to or from a container that is not running (its root is mounted only
 * while it runs).
 */
final class ArchiveRoutes {
    private static final String STAT_HEADER = "X-Docker-Container-Path-Stat";
    /** Go's os.FileMode bits, which the stat header carries instead of st_mode. */
    private static final long GO_DIR = 1L << 31;
    private static final long GO_SYMLINK = 1L << 27;
    private static final long GO_SETUID = 1L << 23;
    private static final long GO_SETGID = 1L << 22;
    private static final long GO_STICKY = 1L << 20;

    private final EnginePool pool;

    ArchiveRoutes(EnginePool pool) {
        this.pool = pool;
    }

    void register(Router r) {
        r.on("GET", "/containers/{id}/archive", this::get);
        r.on("PUT", "/containers/{id}/archive", this::put);
    }

    private Path root(String nameOrId) throws Exception {
        Container c = pool.with(e -> e.get(nameOrId));
        if (!"running".equals(c.status()) || c.pid() <= 0) {
            throw new ApiException(409, "Berth copies only to and from running containers; "
                    + c.name() + " is " + c.status());
        }
        return Path.of("/proc", Long.toString(c.pid()), "root");
    }

    /** HEAD: the stat header alone; GET: the header and a tar of the path. */
    private void get(HttpExchange ex, Matcher path) throws Exception {
        String wanted = ex.request().query("path", "");
        Path root = root(path.group(1));
        Path target = RootPaths.resolve(root, wanted, true);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(404, "Could not find the file " + wanted + " in container "
                    + path.group(1));
        }
        String name = target.equals(root) ? "/" : target.getFileName().toString();
        ex.header(STAT_HEADER, stat(target, name));
        if ("HEAD".equals(ex.request().method())) {
            ex.empty(200);
            return;
        }
        try (OutputStream body = ex.chunked(200, "application/x-tar");
                TarArchiveOutputStream tar = new TarArchiveOutputStream(body)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            writeTree(tar, target, name.equals("/") ? "." : name);
            tar.finish();
        }
    }

    private static String stat(Path p, String name) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        long go = mode & 0777;
        go |= a.isDirectory() ? GO_DIR : 0;
        go |= a.isSymbolicLink() ? GO_SYMLINK : 0;
        go |= (mode & 04000) != 0 ? GO_SETUID : 0;
        go |= (mode & 02000) != 0 ? GO_SETGID : 0;
        go |= (mode & 01000) != 0 ? GO_STICKY : 0;
        Map<String, Object> stat = new LinkedHashMap<>();
        stat.put("name", name);
        stat.put("size", a.size());
        stat.put("mode", go);
        stat.put("mtime", a.lastModifiedTime().toInstant().toString());
        stat.put("linkTarget", a.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : "");
        return Base64.getEncoder().encodeToString(ApiJson.bytes(stat));
    }

    private static void writeTree(TarArchiveOutputStream tar, Path top, String topName)
            throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                    throws IOException {
                entry(tar, dir, nameOf(dir), attrs);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                entry(tar, file, nameOf(file), attrs);
                return FileVisitResult.CONTINUE;
            }

            private String nameOf(Path p) {
                Path rel = top.relativize(p);
                return rel.toString().isEmpty() ? topName : topName + "/" + rel;
            }
        });
    }

    private static void entry(TarArchiveOutputStream tar, Path p, String name,
            BasicFileAttributes a) throws IOException {
        TarArchiveEntry e;
        if (a.isSymbolicLink()) {
            e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
        } else if (a.isDirectory()) {
            e = new TarArchiveEntry(name + "/");
        } else if (a.isRegularFile()) {
            e = new TarArchiveEntry(name);
            e.setSize(a.size());
        } else {
            return; // Devices, fifos and sockets are not copied.
        }
        e.setMode((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        e.setUserId(((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .longValue());
        e.setGroupId(((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS))
                .longValue());
        e.setModTime(a.lastModifiedTime());
        tar.putArchiveEntry(e);
        if (a.isRegularFile()) {
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
    }

    /** Writes the tar's entries into the folder {@code path}, each resolved inside the root. */
    private void put(HttpExchange ex, Matcher path) throws Exception {
        String folder = ex.request().query("path", "");
        Path root = root(path.group(1));
        Path dir = RootPaths.resolve(root, folder, true);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(404, "Could not find the file " + folder + " in container "
                    + path.group(1));
        }
        try (TarArchiveInputStream tar = new TarArchiveInputStream(ex.request().body())) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                List<String> parts = RootPaths.entryComponents(e.getName());
                if (!parts.isEmpty()) {
                    write(root, folder, parts, e, tar);
                }
            }
        }
        ex.empty(200);
    }

    private static void write(Path root, String folder, List<String> parts, TarArchiveEntry e,
            InputStream content) throws IOException {
        String parent = folder + "/" + String.join("/", parts.subList(0, parts.size() - 1));
        Path parentDir = RootPaths.resolve(root, parent, true);
        Files.createDirectories(parentDir);
        Path target = parentDir.resolve(parts.getLast());
        if (e.isDirectory()) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(target);
                Files.createDirectory(target);
            }
        } else if (e.isSymbolicLink()) {
            Files.deleteIfExists(target);
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
            return;
        } else if (e.isFile()) {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ApiException(400, "cannot overwrite directory " + String.join("/",
                        parts) + " with a file");
            }
            Path temp = parentDir.resolve("." + parts.getLast() + ".berth-cp");
            Files.copy(content, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } else {
            return; // Links, devices and fifos are not written.
        }
        Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(),
                LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(),
                LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:mode", e.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(target, FileTime.from(e.getModTime().toInstant()));
    }
}
