package io.berth.image;

import io.berth.sys.Errno;
import io.berth.sys.SysException;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
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
    private static final String XATTR = RawPaxXattrs.PREFIX;
    private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";
    private static final int MAX_SYMLINKS = 40;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;
    private static final int EOPNOTSUPP = 95;
    private static final System.Logger LOG = System.getLogger(LayerUnpacker.class.getName());
    private static final int EEXIST = 17;
    private static final int UMASK = umask();
    private static final int FILE_MODE = UMASK < 0 ? -1 : 0666 & ~UMASK;
    private static final String DEFAULT_ACL = "system.posix_acl_default";
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
        RawPaxXattrs raw = new RawPaxXattrs(tar);
        Run run = new Run(root, what, recorder, raw);
        TarArchiveInputStream entries = new TarArchiveInputStream(raw);
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
        private final RawPaxXattrs raw;
        /** The exact xattr values of the current entry's PAX header, by PAX key. */
        private Map<String, byte[]> rawXattrs = Map.of();
        private final List<Dated> directories = new ArrayList<>();
        private final byte[] buffer = new byte[128 * 1024];
        /**
         * Parent folders already resolved, by their cleaned tar path: a tar lists a folder's
         * files together, and walking every component again cost three stats each (17 per
         * entry on a tree of headers). Valid while nothing is removed: a removal clears it.
         */
        private final Map<String, Resolved> resolved = new HashMap<>();
        /**
         * The mode a new regular file gets (0666 less the umask), or -1 while that is not
         * known: under a default ACL the ACL decides instead. Folders are always given their
         * mode, since a set-group-id parent passes that bit on to them.
         */
        private int newFileMode;
        private long bytes;

        Run(Path root, String what, TarSplit.Recorder recorder, RawPaxXattrs raw) {
            this.root = root;
            this.what = what;
            this.recorder = recorder;
            this.raw = raw;
            this.newFileMode = hasDefaultAcl(root) ? -1 : FILE_MODE;
        }

        boolean hasDefaultAcl(Path folder) {
            try {
                return sys.lgetxattr(folder.toString(), DEFAULT_ACL) != null;
            } catch (RuntimeException e) {
                return true; // cannot tell: never skip chmod
            }
        }

        TarArchiveEntry next(TarArchiveInputStream entries) {
            try {
                raw.beginEntry();
                TarArchiveEntry entry = entries.getNextEntry();
                rawXattrs = raw.endEntry();
                return entry;
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
         * way is followed with the root as "/", and ".." stops at the root. The walk starts from
         * the longest prefix resolved before.
         */
        Path resolve(List<String> parts, String tarName) throws IOException {
            String key = String.join("/", parts);
            Resolved known = resolved.get(key);
            if (known != null) {
                return known.path();
            }
            int start = parts.size() - 1;
            Resolved base = null;
            for (; start > 0 && base == null; start--) {
                base = resolved.get(String.join("/", parts.subList(0, start)));
            }
            if (base != null) {
                start++;
            }
            List<String> done = base == null ? new ArrayList<>() : new ArrayList<>(base.parts());
            walk(done, parts.subList(base == null ? 0 : start, parts.size()), tarName);
            Resolved found = new Resolved(List.copyOf(done), join(done));
            resolved.put(key, found);
            return found.path();
        }

        private void walk(List<String> done, List<String> parts, String tarName)
                throws IOException {
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
                BasicFileAttributes found = attributes(here);
                if (found != null && found.isSymbolicLink()) {
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
                if (found == null) {
                    Files.createDirectory(here);
                } else if (!found.isDirectory()) {
                    throw new ImageFormatException(what + " has an entry \"" + tarName
                            + "\" below something that is not a folder.");
                }
                done.add(part);
            }
        }

        /** One lstat; null when nothing is there. */
        BasicFileAttributes attributes(Path path) throws IOException {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            }
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
            replacing(hidden, () -> sys.mknod(hidden.toString(), S_IFCHR, 0, 0));
        }

        /**
         * Creates first and removes only when something stands in the way: each layer starts
         * as an empty folder, so a name is taken twice only by a tar that repeats an entry, and
         * looking before every creation cost a stat per entry.
         */
        void create(TarArchiveInputStream entries, TarArchiveEntry entry, Path path)
                throws IOException {
            if (entry.isDirectory()) {
                createDirectory(path);
                directories.add(new Dated(path, entry.getLastModifiedTime()));
                applyMetadata(path, entry);
            } else if (entry.isLink()) {
                Path target = linkTarget(entry);
                replacing(path, () -> Files.createLink(path, target));
            } else if (entry.isSymbolicLink()) {
                createSymlink(entry, path);
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                int mode = nodeType(entry) | (entry.getMode() & 07777);
                replacing(path, () -> sys.mknod(path.toString(), mode, entry.getDevMajor(),
                        entry.getDevMinor()));
                applyMetadata(path, entry, -1);
            } else if (entry.isFile()) {
                if (recorder != null && !entry.isSparse()) {
                    recorder.content(root.relativize(path).toString(), entry.getSize());
                }
                copy(entries, path);
                applyMetadata(path, entry, newFileMode);
            }
            // Other types (GNU volume headers and the like) carry nothing to write.
        }

        /** A folder stays for a folder; anything else there is replaced. */
        void createDirectory(Path path) throws IOException {
            try {
                Files.createDirectory(path);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(path, NOFOLLOW)) {
                    removeExisting(path);
                    Files.createDirectory(path);
                }
            }
        }

        /** Runs {@code creation}; if the name is taken, removes what has it and runs it again. */
        void replacing(Path path, Creation creation) throws IOException {
            try {
                creation.run();
            } catch (FileAlreadyExistsException e) {
                removeExisting(path);
                creation.run();
            } catch (SysException e) {
                if (e.errno() != EEXIST) {
                    throw e;
                }
                removeExisting(path);
                creation.run();
            }
        }

        void createSymlink(TarArchiveEntry entry, Path path) throws IOException {
            if (entry.getLinkName().isEmpty()) {
                throw new ImageFormatException(what + " has a symlink \"" + entry.getName()
                        + "\" with no target.");
            }
            Path target = Path.of(entry.getLinkName());
            replacing(path, () -> Files.createSymbolicLink(path, target));
            applyMetadata(path, entry, -1);
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

        /** Removes what a later entry replaces; what was resolved before may be gone with it. */
        void removeExisting(Path path) throws IOException {
            resolved.clear();
            if (Files.isDirectory(path, NOFOLLOW)) {
                Tree.delete(path);
            } else {
                Files.deleteIfExists(path);
            }
        }

        /** Streams the entry's content; a read failure is damage, a write failure is not. */
        void copy(TarArchiveInputStream entries, Path path) throws IOException {
            FileChannel[] opened = new FileChannel[1];
            replacing(path, () -> opened[0] = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
            try (FileChannel out = opened[0]) {
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

        /**
         * Owner first: chown clears set-id bits, so the mode follows it. The mode is left alone
         * when {@code created}, the mode the file was made with (-1: unknown), is already it.
         */
        void applyMetadata(Path path, TarArchiveEntry entry, int created) {
            String file = path.toString();
            sys.lchown(file, entry.getLongUserId(), entry.getLongGroupId());
            int mode = entry.getMode() & 07777;
            if (!entry.isSymbolicLink() && mode != created) {
                sys.chmod(file, mode);
            }
            applyXattrs(path, entry.getExtraPaxHeaders());
            if (!entry.isDirectory()) {
                setTimes(path, entry.getLastModifiedTime());
            }
        }

        void applyMetadata(Path path, TarArchiveEntry entry) {
            applyMetadata(path, entry, -1);
        }

        /**
         * SCHILY.xattr values are taken as their raw bytes (see {@link RawPaxXattrs}): the
         * decoded string is used only when they could not be found, which is right for text.
         * bsdtar's LIBARCHIVE.xattr form is base64 and arrives intact.
         */
        void applyXattrs(Path path, Map<String, String> pax) {
            for (Map.Entry<String, String> header : pax.entrySet()) {
                String key = header.getKey();
                if (key.startsWith(XATTR)) {
                    byte[] exact = rawXattrs.get(key);
                    setXattr(path, key.substring(XATTR.length()), exact != null ? exact
                            : header.getValue().getBytes(StandardCharsets.UTF_8));
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
            if (name.equals(DEFAULT_ACL)) {
                newFileMode = -1; // files made below it take their mode from the ACL
            }
            try {
                sys.lsetxattr(path.toString(), name, value);
            } catch (SysException e) {
                if (refusedByKernel(path, name, e.errno())) {
                    // As containerd and docker do: a security label this kernel has no module
                    // for, or a user attribute on a symlink (which Linux never allows), is
                    // not worth failing the whole layer for.
                    LOG.log(System.Logger.Level.WARNING, what + ": ignoring xattr " + name
                            + " on /" + root.relativize(path) + ": " + Errno.name(e.errno()));
                } else if (e.errno() != EOPNOTSUPP) {
                    throw e;
                }
            }
        }

        private static boolean refusedByKernel(Path path, String name, int errno) {
            if (errno != Errno.EPERM && errno != EOPNOTSUPP && errno != Errno.EINVAL) {
                return false;
            }
            return name.startsWith("security.")
                    || name.startsWith("user.") && Files.isSymbolicLink(path);
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

    /** A parent folder's real components below the root, and its path. */
    private record Resolved(List<String> parts, Path path) {
    }

    /** A creation that fails when its name is taken. */
    private interface Creation {
        void run() throws IOException;
    }

    /**
     * The process's umask, from /proc/self/status, or -1 when it cannot be read (chmod is then
     * never skipped). New files get 0666 less these bits, unless a default ACL rules.
     */
    private static int umask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).strip(), 8);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or a kernel before 4.7: chmod every entry.
        }
        return -1;
    }
}
