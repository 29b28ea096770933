package io.berth.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker's rules for where {@code docker cp} puts things: a file goes to a file or into a
 * folder; a folder becomes the destination when that does not exist, or goes into it when it
 * does; "SRC/." stands for a folder's contents; a trailing slash asks for a folder. Paths are
 * strings here, since a trailing "/" or "/." means something that {@link Path} would drop.
 */
final class CopyPaths {
    private static final int MAX_SYMLINKS = 40;

    private CopyPaths() {
    }

    /**
     * One side of a copy.
     *
     * @param rebaseName the name the source's top entry should carry when a symlink in its last
     *     component was followed to a target of another name; null when none
     */
    record Info(String path, boolean exists, boolean isDir, String rebaseName) {
    }

    /**
     * Where a tar of the source is extracted, and the name its top entry takes there (null:
     * keep the name it has).
     */
    record Placement(String dir, String base) {
    }

    /** As docker's PrepareArchiveCopy: where the source lands, given what the destination is. */
    static Placement place(Info src, Info dst) {
        String[] dirBase = splitDirEntry(dst.path());
        if (dst.exists() && dst.isDir()) {
            return new Placement(dst.path(), src.rebaseName());
        }
        if (dst.exists() && src.isDir()) {
            throw new ExitCodes.UserError("cannot copy directory");
        }
        if (!dst.exists() && !src.isDir() && assertsDirectory(dst.path())) {
            throw new ExitCodes.UserError("no such directory");
        }
        return new Placement(dirBase[0], dirBase[1]);
    }

    /** A path's folder and last entry, "." kept as the entry when the path ends in "/.". */
    static String[] splitDirEntry(String path) {
        String cleaned = clean(path);
        if (base(path).equals(".") && !cleaned.equals(".") && !cleaned.equals("/")) {
            cleaned += "/.";
        }
        int slash = cleaned.lastIndexOf('/');
        if (slash < 0) {
            return new String[] {".", cleaned};
        }
        String dir = slash == 0 ? "/" : cleaned.substring(0, slash);
        String entry = cleaned.substring(slash + 1);
        return new String[] {dir, entry.isEmpty() ? "/" : entry};
    }

    /** Go's filepath.Base: the last element, trailing slashes ignored. */
    static String base(String path) {
        String trimmed = path.replaceAll("/+$", "");
        if (trimmed.isEmpty()) {
            return path.isEmpty() ? "." : "/";
        }
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    /** Go's filepath.Clean, lexically: no ".", no repeated slashes, ".." taken back. */
    static String clean(String path) {
        boolean absolute = path.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.getLast().equals("..")) {
                parts.removeLast();
            } else if (!(part.equals("..") && absolute)) {
                parts.add(part);
            }
        }
        String joined = String.join("/", parts);
        return absolute ? "/" + joined : joined.isEmpty() ? "." : joined;
    }

    static boolean assertsDirectory(String path) {
        return path.endsWith("/") || base(path).equals(".");
    }

    /** A local path made absolute, keeping a trailing "/" or "/." that asks for a folder. */
    static String absolute(String path) {
        String abs = Path.of(path).toAbsolutePath().normalize().toString();
        return preserveTrailing(abs, path);
    }

    /** Puts back the trailing "/." or "/" of {@code original} that {@code path} lost. */
    static String preserveTrailing(String path, String original) {
        if (base(original).equals(".") && !base(path).equals(".")) {
            return (path.endsWith("/") ? path : path + "/") + ".";
        }
        if (original.endsWith("/") && !path.endsWith("/")) {
            return path + "/";
        }
        return path;
    }

    /**
     * As docker's GetRebaseName: the followed target with the request's trailing "/" or "/."
     * kept, and the name the copy must carry when the last component changed.
     */
    static String[] followed(String requested, String target) {
        String resolved = preserveTrailing(target, requested);
        String rebase = base(requested).equals(base(resolved)) ? null : base(requested);
        return new String[] {resolved, rebase};
    }

    /**
     * A local source, as docker's CopyInfoSourcePath: its folder's symlinks resolved, its last
     * component too when asked (-L).
     */
    static Info localSource(String path, boolean followLink) throws IOException {
        String abs = absolute(path);
        int slash = abs.lastIndexOf('/');
        String dir = abs.substring(0, slash + 1);
        String last = abs.substring(slash + 1);
        String resolved = followLink || last.isEmpty() || last.equals(".")
                ? real(abs) : join(real(dir), last);
        String[] rebased = followed(abs, resolved);
        Path p = Path.of(rebased[0]);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ExitCodes.UserError("lstat " + rebased[0] + ": no such file or directory");
        }
        return new Info(rebased[0], true, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS),
                rebased[1]);
    }

    /**
     * A local destination, as docker's CopyInfoDestinationPath: symlinks at its end followed;
     * when it does not exist, its folder must.
     */
    static Info localDestination(String path) {
        String current = absolute(path);
        for (int n = 0; n < MAX_SYMLINKS && Files.isSymbolicLink(Path.of(current)); n++) {
            current = linkTarget(current);
        }
        Path p = Path.of(current);
        if (Files.exists(p)) {
            boolean isDir = Files.isDirectory(p);
            if (assertsDirectory(current) && !isDir) {
                throw new ExitCodes.UserError("lstat " + current + ": not a directory");
            }
            return new Info(current, true, isDir, null);
        }
        String parent = splitDirEntry(current)[0];
        if (!Files.isDirectory(Path.of(parent))) {
            throw new ExitCodes.UserError(Files.exists(Path.of(parent))
                    ? "lstat " + parent + ": not a directory"
                    : "lstat " + parent + ": no such file or directory");
        }
        return new Info(current, false, false, null);
    }

    private static String linkTarget(String link) {
        try {
            String target = Files.readSymbolicLink(Path.of(link)).toString();
            return target.startsWith("/") ? target
                    : clean(splitDirEntry(link)[0] + "/" + target);
        } catch (IOException e) {
            throw new ExitCodes.UserError("readlink " + link + ": " + e.getMessage());
        }
    }

    private static String real(String path) throws IOException {
        try {
            return Path.of(path).toRealPath().toString();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ExitCodes.UserError("lstat " + e.getFile() + ": no such file or directory");
        }
    }

    private static String join(String dir, String last) {
        return dir.endsWith("/") ? dir + last : dir + "/" + last;
    }
}
