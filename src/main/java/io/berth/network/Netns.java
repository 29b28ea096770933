package io.berth.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Network namespace paths, told apart by inode: a pid (and so /proc/PID/ns/net) is reused. */
final class Netns {
    private Netns() {
    }

    /** The inode of the namespace the path names; fails when there is none. */
    static long inode(String path) {
        try {
            return ((Number) Files.getAttribute(Path.of(path), "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            throw new NetworkException("stat network namespace " + path + ": " + e.getMessage(),
                    e);
        }
    }

    /** Whether the path still names the namespace with that inode. */
    static boolean alive(String path, long inode) {
        if (path == null || path.isEmpty()) {
            return false;
        }
        try {
            return ((Number) Files.getAttribute(Path.of(path), "unix:ino")).longValue() == inode;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
