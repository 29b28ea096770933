package io.berth.engine;

import io.berth.convert.InvalidRequestException;
import io.berth.image.IdShift;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a tar into a folder that lies inside a root, the way {@code docker cp} does: entry
 * names may not climb out of the folder, and every folder on an entry's way is resolved inside
 * the root with symlinks followed as if the root were "/" (as docker's chrooted untar would), so
 * nothing outside the root is written. The last component is never followed; what stands there
 * is replaced, a folder by a folder being merged. Missing parent folders are made.
 *
 * <p>Written by hand because commons-compress reads tars but writes no trees, and no library
 * here resolves paths inside a root.
 */
public final class TreeUnpacker {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;

    /** Who owns what is extracted. */
    public enum Owners {
        /** Whoever extracts: no chown (docker cp into the local filesystem). */
        CALLER,
        /** Root of the container: uid and gid 0, shifted by its user-namespace range. */
        ROOT,
        /** The uid and gid in the tar, shifted by the user-namespace range (cp -a). */
        ARCHIVE
    }

    /**
     * How to extract.
     *
     * @param shift the container's user-namespace range, or null
     * @param noOverwriteDirNonDir refuse to replace a folder by a non-folder and the reverse
     * @param renameFrom entries named so, or below it, are renamed to {@code renameTo} (docker's
     *     rebasing of a copied tree onto the destination's name); null for none
     */
    public record Options(Owners owners, IdShift shift, boolean noOverwriteDirNonDir,
            String renameFrom, String renameTo) {

        /** Extraction with the given owners and overwrite rule and no renaming. */
        public static Options of(Owners owners, IdShift shift, boolean noOverwriteDirNonDir) {
            return new Options(owners, shift, noOverwriteDirNonDir, null, null);
        }

        /** The same options, renaming {@code from} (and what lies below it) to {@code to}. */
        public Options renaming(String from, String to) {
            return new Options(owners, shift, noOverwriteDirNonDir, from, to);
        }
    }

    private final Path root;
    private final RootedPath into;
    private final Options options;
    private final Sys sys;
    private final List<Dated> folders = new ArrayList<>();
    private final byte[] buffer = new byte[128 * 1024];

    private TreeUnpacker(Path root, RootedPath into, Options options, Sys sys) {
        this.root = root;
        this.into = into;
        this.options = options;
        this.sys = sys;
    }

    /**
     * Extracts {@code tar} into {@code into}, an existing folder inside {@code root} whose path
     * was resolved inside the root already.
     *
     * @throws InvalidRequestException when the tar is unreadable, an entry would leave the
     *     folder, or an entry would replace a folder by a file (or the reverse) when that is
     *     refused
     */
    public static void unpack(InputStream tar, Path root, Path into, Options options, Sys sys)
            throws IOException {
        TreeUnpacker unpacker = new TreeUnpacker(root, RootedPath.at(root, into), options, sys);
        TarArchiveInputStream entries = new TarArchiveInputStream(tar);
        TarArchiveEntry entry;
        while ((entry = next(entries)) != null) {
            unpacker.extract(entries, entry);
        }
        unpacker.dateFolders();
    }

    private static TarArchiveEntry next(TarArchiveInputStream entries) {
        try {
            return entries.getNextEntry();
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException("the archive is not a readable tar: "
                    + e.getMessage());
        }
    }

    private void extract(TarArchiveInputStream entries, TarArchiveEntry entry)
            throws IOException {
        String name = rename(entry.getName());
        List<String> parts = clean(name);
        if (parts.isEmpty()) {
            return; // docker too leaves the folder it extracts into as it is
        }
        Path parent = parentFolder(parts, name);
        Path path = parent.resolve(parts.getLast());
        clearWay(path, entry, name);
        create(entries, entry, path);
    }

    private String rename(String name) {
        String from = options.renameFrom();
        if (from == null) {
            return name;
        }
        String bare = name.replaceAll("/+$", "");
        if (bare.equals(from)) {
            return options.renameTo() + (name.endsWith("/") ? "/" : "");
        }
        if (bare.startsWith(from + "/")) {
            return options.renameTo() + name.substring(from.length());
        }
        return name;
    }

    /** An entry's components below the folder; a name that climbs out of it is refused. */
    private List<String> clean(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new InvalidRequestException("tar entry \"" + name
                            + "\" is outside of \"" + into + "\"");
                }
                parts.removeLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }

    /** The entry's folder, resolved inside the root; folders missing on the way are made. */
    private Path parentFolder(List<String> parts, String name) throws IOException {
        List<Path> created = new ArrayList<>();
        String relative = String.join("/", parts.subList(0, parts.size() - 1));
        Path parent = parts.size() == 1 ? into.onHost()
                : into.resolve(relative, true, RootedPath.Missing.CREATE, created)
                        .onHost();
        for (Path folder : created) {
            owner(folder, 0, 0);
        }
        if (!Files.isDirectory(parent, NOFOLLOW)) {
            throw new InvalidRequestException("extract \"" + name + "\": "
                    + root.relativize(parent) + " is not a directory");
        }
        return parent;
    }

    /**
     * Clears the way for an entry: a folder stays for a folder, anything else is removed. With
     * noOverwriteDirNonDir a change between folder and non-folder is refused instead.
     */
    private void clearWay(Path path, TarArchiveEntry entry, String name) throws IOException {
        if (!Files.exists(path, NOFOLLOW)) {
            return;
        }
        boolean isFolder = Files.isDirectory(path, NOFOLLOW);
        if (options.noOverwriteDirNonDir() && isFolder != entry.isDirectory()) {
            throw new InvalidRequestException(isFolder
                    ? "cannot overwrite directory \"" + inside(path) + "\" with non-directory \""
                            + name + "\""
                    : "cannot overwrite non-directory \"" + inside(path) + "\" with directory \""
                            + name + "\"");
        }
        if (!(isFolder && entry.isDirectory())) {
            delete(path);
        }
    }

    private String inside(Path path) {
        return "/" + root.relativize(path);
    }

    private void create(TarArchiveInputStream entries, TarArchiveEntry entry, Path path)
            throws IOException {
        if (entry.isDirectory()) {
            if (!Files.isDirectory(path, NOFOLLOW)) {
                Files.createDirectory(path);
            }
            folders.add(new Dated(path, entry.getLastModifiedTime()));
            metadata(path, entry);
        } else if (entry.isLink()) {
            Files.createLink(path, linkTarget(entry));
        } else if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
            metadata(path, entry);
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            int type = entry.isCharacterDevice() ? S_IFCHR
                    : entry.isBlockDevice() ? S_IFBLK : S_IFIFO;
            sys.mknod(path.toString(), type | (entry.getMode() & 07777), entry.getDevMajor(),
                    entry.getDevMinor());
            metadata(path, entry);
        } else if (entry.isFile()) {
            copy(entries, path);
            metadata(path, entry);
        }
        // Other types (GNU volume headers and the like) carry nothing to write.
    }

    /** A hard link's target: named like any entry, below the folder; it must be a file. */
    private Path linkTarget(TarArchiveEntry entry) throws IOException {
        List<String> parts = clean(rename(entry.getLinkName()));
        if (parts.isEmpty()) {
            throw new InvalidRequestException("tar entry \"" + entry.getName()
                    + "\" is a hard link to the folder it is extracted into");
        }
        RootedPath resolved = into.resolve(String.join("/", parts), false,
                RootedPath.Missing.APPEND, new ArrayList<>());
        Path target = resolved.onHost();
        if (!Files.exists(target, NOFOLLOW) || Files.isDirectory(target, NOFOLLOW)) {
            throw new InvalidRequestException("tar entry \"" + entry.getName()
                    + "\" is a hard link to \"" + entry.getLinkName() + "\", which is no file");
        }
        return target;
    }

    private void copy(TarArchiveInputStream entries, Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                OutputStream out = Channels.newOutputStream(channel)) {
            int n;
            while ((n = entries.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        }
    }

    /** Owner first: chown clears set-id bits, so the mode follows it. */
    private void metadata(Path path, TarArchiveEntry entry) {
        owner(path, entry.getLongUserId(), entry.getLongGroupId());
        if (!entry.isSymbolicLink()) {
            sys.chmod(path.toString(), entry.getMode() & 07777);
        }
        if (!entry.isDirectory()) {
            times(path, entry.getLastModifiedTime());
        }
    }

    private void owner(Path path, long uid, long gid) {
        IdShift shift = options.shift();
        switch (options.owners()) {
            case CALLER -> {
                // The caller's own ids, as the files were created.
            }
            case ROOT -> sys.lchown(path.toString(), shift == null ? 0 : shift.shift(0),
                    shift == null ? 0 : shift.shift(0));
            case ARCHIVE -> sys.lchown(path.toString(), shift == null ? uid : shift.shift(uid),
                    shift == null ? gid : shift.shift(gid));
        }
    }

    private void times(Path path, FileTime mtime) {
        java.time.Instant t = mtime.toInstant();
        sys.lutimes(path.toString(), t.getEpochSecond(), t.getNano());
    }

    /** Folders last: every entry written into a folder changes its mtime again. */
    private void dateFolders() {
        for (Dated d : folders.reversed()) {
            times(d.path(), d.mtime());
        }
    }

    /** Removes a file, or a folder with everything below it, following no symlink. */
    private static void delete(Path path) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e)
                    throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private record Dated(Path path, FileTime mtime) {
    }
}
