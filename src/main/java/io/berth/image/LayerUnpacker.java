package io.berth.image;

import io.berth.sys.SysException;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Writes one uncompressed layer tar into a folder that becomes an overlay lower dir of its own.
 *
 * <p>Nothing is written outside the folder: names are cleaned lexically and refused if they climb
 * out, and every parent is resolved inside the folder component by component, a symlink being
 * followed as if the folder were the root (as a chroot would). The final component is never
 * followed; whatever stands there is replaced. Written by hand because no library here resolves
 * paths within a root without following symlinks out of it.
 */
final class LayerUnpacker {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String XATTR = "SCHILY.xattr.";
    private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";
    private static final int MAX_SYMLINKS = 40;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;
    private static final int EOPNOTSUPP = 95;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Sys sys;

    LayerUnpacker(Sys sys) {
        this.sys = sys;
    }

    /**
     * Unpacks {@code tar} into {@code root}, an existing empty folder. Reads the tar to its end
     * but leaves draining the rest of the stream to the caller.
     *
     * @param what names the layer in error messages
     * @return the bytes of regular file content written
     * @throws ImageFormatException when the tar is damaged or an entry would leave the folder
     */
    long unpack(InputStream tar, Path root, String what) {
        return unpack(tar, root, what, null);
    }

    /**
     * {@link #unpack(InputStream, Path, String)}, telling {@code recorder} (which must be the
     * stream {@code tar} itself) where each file's content lies, so the tar can be rebuilt.
     */
    long unpack(InputStream tar, Path root, String what, TarSplit.Recorder recorder) {
        Run run = new Run(root, what, recorder);
        TarArchiveInputStream entries = new TarArchiveInputStream(tar);
        TarArchiveEntry entry;
        while ((entry = run.next(entries)) != null) {
            run.write(entries, entry);
        }
        run.finishDirectories();
        return run.bytes;
    }

    /** The state of one unpacking: the root, the byte count and the folders to date last. */
    private final class Run {
        private final Path root;
        private final String what;
        private final TarSplit.Recorder recorder;
        private final List<Dated> directories = new ArrayList<>();
        private final byte[] buffer = new byte[128 * 1024];
        private long bytes;

        Run(Path root, String what, TarSplit.Recorder recorder) {
            this.root = root;
            this.what = what;
            this.recorder = recorder;
        }

        TarArchiveEntry next(TarArchiveInputStream entries) {
            try {
                return entries.getNextEntry();
            } catch (IOException | RuntimeException e) {
                throw damaged(e);
            }
        }

        ImageFormatException damaged(Exception e) {
            return new ImageFormatException(what + " is not a readable tar: "
                    + ImageFormatException.reason(e) + ".", e);
        }

        void write(TarArchiveInputStream entries, TarArchiveEntry entry) {
            List<String> name = clean(entry.getName());
            try {
                if (name.isEmpty()) {
                    if (entry.isDirectory()) {
                        directories.add(new Dated(root, entry.getLastModifiedTime()));
                        applyMetadata(root, entry);
                    }
                    return;
                }
                Path parent = resolve(name.subList(0, name.size() - 1), entry.getName());
                String last = name.getLast();
                if (last.startsWith(WHITEOUT)) {
                    whiteout(parent, last);
                } else {
                    create(entries, entry, parent.resolve(last));
                }
            } catch (SysException e) {
                throw new UncheckedIOException(new IOException(what + ": " + e.getMessage(), e));
            } catch (IOException e) {
                throw new UncheckedIOException(what + ": " + entry.getName(), e);
            }
        }

        /** The components of a tar name relative to the root; refuses names that climb out. */
        List<String> clean(String tarName) {
            List<String> parts = new ArrayList<>();
            for (String part : tarName.split("/")) {
                if (part.equals("..")) {
                    if (parts.isEmpty()) {
                        throw new ImageFormatException(what + " has an entry \"" + tarName
                                + "\" that points outside the layer.");
                    }
                    parts.removeLast();
                } else if (!part.isEmpty() && !part.equals(".")) {
                    parts.add(part);
                }
            }
            return parts;
        }

        /**
         * The folder that {@code parts} names inside the root, made if missing. A symlink on the
         * way is followed with the root as "/", and ".." stops at the root.
         */
        Path resolve(List<String> parts, String tarName) throws IOException {
            List<String> done = new ArrayList<>();
            java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(parts);
            int links = 0;
            while (!todo.isEmpty()) {
                String part = todo.removeFirst();
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    if (!done.isEmpty()) {
                        done.removeLast();
                    }
                    continue;
                }
                Path here = join(done).resolve(part);
                if (Files.isSymbolicLink(here)) {
                    if (++links > MAX_SYMLINKS) {
                        throw new ImageFormatException(what + " has an entry \"" + tarName
                                + "\" behind too many levels of symlinks.");
                    }
                    String target = Files.readSymbolicLink(here).toString();
                    if (target.startsWith("/")) {
                        done.clear();
                    }
                    List<String> more = List.of(target.split("/"));
                    for (int i = more.size() - 1; i >= 0; i--) {
                        todo.addFirst(more.get(i));
                    }
                    continue;
                }
                if (!Files.exists(here, NOFOLLOW)) {
                    Files.createDirectory(here);
                } else if (!Files.isDirectory(here, NOFOLLOW)) {
                    throw new ImageFormatException(what + " has an entry \"" + tarName
                            + "\" below something that is not a folder.");
                }
                done.add(part);
            }
            return join(done);
        }

        Path join(List<String> parts) {
            Path p = root;
            for (String part : parts) {
                p = p.resolve(part);
            }
            return p;
        }

        /** Overlay's own form of a deletion, since each layer is a lower dir by itself. */
        void whiteout(Path parent, String last) throws IOException {
            if (last.equals(OPAQUE)) {
                sys.lsetxattr(parent.toString(), "trusted.overlay.opaque",
                        "y".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (last.startsWith(WHITEOUT + WHITEOUT)) {
                return; // aufs bookkeeping (.wh..wh.plnk and the like): nothing to overlay
            }
            String hiddenName = last.substring(WHITEOUT.length());
            if (hiddenName.isEmpty() || hiddenName.equals(".") || hiddenName.equals("..")) {
                throw new ImageFormatException(what + " has a whiteout \"" + last
                        + "\" that hides no name.");
            }
            Path hidden = parent.resolve(hiddenName);
            removeExisting(hidden, false);
            sys.mknod(hidden.toString(), S_IFCHR, 0, 0);
        }

        void create(TarArchiveInputStream entries, TarArchiveEntry entry, Path path)
                throws IOException {
            removeExisting(path, entry.isDirectory());
            if (entry.isDirectory()) {
                if (!Files.isDirectory(path, NOFOLLOW)) {
                    Files.createDirectory(path);
                }
                directories.add(new Dated(path, entry.getLastModifiedTime()));
                applyMetadata(path, entry);
            } else if (entry.isLink()) {
                Files.createLink(path, linkTarget(entry));
            } else if (entry.isSymbolicLink()) {
                createSymlink(entry, path);
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                sys.mknod(path.toString(), nodeType(entry) | (entry.getMode() & 07777),
                        entry.getDevMajor(), entry.getDevMinor());
                applyMetadata(path, entry);
            } else if (entry.isFile()) {
                if (recorder != null && !entry.isSparse()) {
                    recorder.content(root.relativize(path).toString(), entry.getSize());
                }
                copy(entries, path);
                applyMetadata(path, entry);
            }
            // Other types (GNU volume headers and the like) carry nothing to write.
        }

        void createSymlink(TarArchiveEntry entry, Path path) throws IOException {
            if (entry.getLinkName().isEmpty()) {
                throw new ImageFormatException(what + " has a symlink \"" + entry.getName()
                        + "\" with no target.");
            }
            Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
            applyMetadata(path, entry);
        }

        /** A hard link's target, resolved inside the root like any name; it must exist. */
        Path linkTarget(TarArchiveEntry entry) throws IOException {
            List<String> target = clean(entry.getLinkName());
            if (target.isEmpty()) {
                throw new ImageFormatException(what + " has a hard link \"" + entry.getName()
                        + "\" to the layer's root.");
            }
            Path parent = resolve(target.subList(0, target.size() - 1), entry.getLinkName());
            Path resolved = parent.resolve(target.getLast());
            if (!Files.exists(resolved, NOFOLLOW) || Files.isDirectory(resolved, NOFOLLOW)) {
                throw new ImageFormatException(what + " has a hard link \"" + entry.getName()
                        + "\" to \"" + entry.getLinkName() + "\", which is no file in it.");
            }
            return resolved;
        }

        int nodeType(TarArchiveEntry entry) {
            return entry.isCharacterDevice() ? S_IFCHR : entry.isBlockDevice() ? S_IFBLK : S_IFIFO;
        }

        /** Whatever a later entry replaces goes first; a folder stays for a folder. */
        void removeExisting(Path path, boolean keepFolder) throws IOException {
            if (!Files.exists(path, NOFOLLOW)) {
                return;
            }
            if (Files.isDirectory(path, NOFOLLOW)) {
                if (!keepFolder) {
                    Tree.delete(path);
                }
            } else {
                Files.delete(path);
            }
        }

        /** Streams the entry's content; a read failure is damage, a write failure is not. */
        void copy(TarArchiveInputStream entries, Path path) throws IOException {
            try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                int n;
                while ((n = read(entries)) > 0) {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    bytes += n;
                }
            }
        }

        int read(TarArchiveInputStream entries) {
            try {
                return entries.read(buffer);
            } catch (IOException | RuntimeException e) {
                throw damaged(e);
            }
        }

        /** Owner first: chown clears set-id bits, so the mode follows it. */
        void applyMetadata(Path path, TarArchiveEntry entry) {
            String file = path.toString();
            sys.lchown(file, entry.getLongUserId(), entry.getLongGroupId());
            if (!entry.isSymbolicLink()) {
                sys.chmod(file, entry.getMode() & 07777);
            }
            applyXattrs(path, entry.getExtraPaxHeaders());
            if (!entry.isDirectory()) {
                setTimes(path, entry.getLastModifiedTime());
            }
        }

        // Not yet: binary values in SCHILY.xattr (security.capability) arrive decoded as UTF-8
        // by commons-compress and are stored mangled; reading PAX records by hand would fix it.
        // bsdtar's LIBARCHIVE.xattr form is base64 and arrives intact.
        void applyXattrs(Path path, Map<String, String> pax) {
            for (Map.Entry<String, String> header : pax.entrySet()) {
                String key = header.getKey();
                if (key.startsWith(XATTR)) {
                    setXattr(path, key.substring(XATTR.length()),
                            header.getValue().getBytes(StandardCharsets.UTF_8));
                } else if (key.startsWith(LIBARCHIVE_XATTR)) {
                    setXattr(path, URLDecoder.decode(key.substring(LIBARCHIVE_XATTR.length()),
                            StandardCharsets.UTF_8), base64(key, header.getValue()));
                }
            }
        }

        byte[] base64(String key, String value) {
            try {
                return Base64.getDecoder().decode(value.strip());
            } catch (IllegalArgumentException e) {
                throw new ImageFormatException(what + " has a header " + key
                        + " that is not base64.", e);
            }
        }

        void setXattr(Path path, String name, byte[] value) {
            try {
                sys.lsetxattr(path.toString(), name, value);
            } catch (SysException e) {
                if (e.errno() != EOPNOTSUPP) {
                    throw e;
                }
            }
        }

        void setTimes(Path path, FileTime mtime) {
            java.time.Instant t = mtime.toInstant();
            sys.lutimes(path.toString(), t.getEpochSecond(), t.getNano());
        }

        /** Folders last: every entry written into a folder changes its mtime again. */
        void finishDirectories() {
            for (Dated d : directories.reversed()) {
                setTimes(d.path(), d.mtime());
            }
        }
    }

    private record Dated(Path path, FileTime mtime) {
    }
}
