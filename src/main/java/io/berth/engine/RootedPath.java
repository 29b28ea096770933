package io.berth.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A path inside a root folder, resolved as if the root were "/": component by component, a
 * symlink followed with the root standing for "/", and ".." stopping at the root, so nothing
 * outside the root is ever reached. Written by hand because the JDK resolves symlinks only
 * against the host's own root, and openat2(RESOLVE_IN_ROOT) is not among Berth's syscalls.
 *
 * <p>Not yet: a running container can swap a folder for a symlink between this resolution and
 * the use of its result; openat2 with RESOLVE_IN_ROOT on every step would close that window.
 */
final class RootedPath {
    static final int MAX_SYMLINKS = 40;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** What to do with a component that does not exist. */
    enum Missing {
        /** Keep the rest as written: the result names something that is not there. */
        APPEND,
        /** Make it as a folder (mode 0755, by the umask) and go on; the last one too. */
        CREATE
    }

    private final Path root;
    private final List<String> parts;

    private RootedPath(Path root, List<String> parts) {
        this.root = root;
        this.parts = parts;
    }

    /** The root itself. */
    static RootedPath rootOf(Path root) {
        return new RootedPath(root, List.of());
    }

    /** A folder already inside the root (resolved before), taken as it is. */
    static RootedPath at(Path root, Path inside) {
        List<String> parts = new ArrayList<>();
        for (Path part : root.relativize(inside)) {
            if (!part.toString().isEmpty()) {
                parts.add(part.toString());
            }
        }
        return new RootedPath(root, List.copyOf(parts));
    }

    /**
     * Resolves {@code path} (absolute from the root, or relative to this one) inside the root.
     *
     * @param followLast whether a symlink in the last component is followed too
     * @param created receives the folders made when {@code missing} is CREATE
     */
    RootedPath resolve(String path, boolean followLast, Missing missing, List<Path> created)
            throws IOException {
        List<String> done = new ArrayList<>(path.startsWith("/") ? List.of() : parts);
        Deque<String> todo = new ArrayDeque<>(split(path));
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path here = join(done).resolve(part);
            boolean last = todo.isEmpty();
            if (Files.isSymbolicLink(here) && (!last || followLast)) {
                if (++links > MAX_SYMLINKS) {
                    throw new IOException("resolve " + path + " in " + root
                            + ": too many levels of symbolic links");
                }
                String target = Files.readSymbolicLink(here).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                split(target).reversed().forEach(todo::addFirst);
                continue;
            }
            if (!Files.exists(here, NOFOLLOW) && missing == Missing.CREATE) {
                Files.createDirectory(here);
                created.add(here);
            }
            done.add(part);
        }
        return new RootedPath(root, done);
    }

    /** The path's components without empty ones and ".". */
    static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.add(part);
            }
        }
        return out;
    }

    private Path join(List<String> components) {
        Path p = root;
        for (String part : components) {
            p = p.resolve(part);
        }
        return p;
    }

    /** Where this is on the host. */
    Path onHost() {
        return join(parts);
    }

    /** This path as the root's own processes see it: absolute, from "/". */
    String inRoot() {
        return "/" + String.join("/", parts);
    }

    Path root() {
        return root;
    }

    /** The parent folder inside the root (the root's parent is the root). */
    RootedPath parent() {
        return parts.isEmpty() ? this : new RootedPath(root, parts.subList(0, parts.size() - 1));
    }

    boolean isRoot() {
        return parts.isEmpty();
    }

    @Override
    public String toString() {
        return inRoot();
    }
}
