package io.berth.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Paths inside a container's root, resolved as the container would see them: every symlink is
 * followed as if the root were /, and ".." never climbs above it. docker cp names paths in the
 * container; reading or writing them through /proc/PID/root with the kernel's own resolution
 * would follow an absolute symlink out to the host. Written by hand: no library here resolves
 * paths within a root.
 *
 * <p>Known limit: the check and the use are two steps, so a process in the container that
 * swaps a folder for a symlink in between could still redirect the copy.
 */
final class RootPaths {
    private static final int MAX_LINKS = 40;

    private RootPaths() {
    }

    /**
     * The host path of {@code path} inside {@code root}; the last component's symlink is
     * followed only when asked.
     */
    static Path resolve(Path root, String path, boolean followLast) throws IOException {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path candidate = join(root, done).resolve(c);
            boolean last = todo.isEmpty();
            if (Files.isSymbolicLink(candidate) && (!last || followLast)) {
                if (++links > MAX_LINKS) {
                    throw new ApiException(400, "too many levels of symbolic links: " + path);
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> more = components(target);
                for (int i = more.size() - 1; i >= 0; i--) {
                    todo.addFirst(more.get(i));
                }
                continue;
            }
            done.add(c);
        }
        return join(root, done);
    }

    /** A tar entry's name as components under a folder; a name that climbs out is refused. */
    static List<String> entryComponents(String name) {
        List<String> out = new ArrayList<>();
        for (String c : components(name)) {
            if (c.equals("..")) {
                if (out.isEmpty()) {
                    throw new ApiException(400, "archive entry climbs out of its folder: "
                            + name);
                }
                out.removeLast();
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty() && !c.equals(".")) {
                out.add(c);
            }
        }
        return out;
    }

    private static Path join(Path root, List<String> components) {
        Path p = root;
        for (String c : components) {
            p = p.resolve(c);
        }
        return p;
    }
}
