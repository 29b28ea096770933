package io.berth.cgroups;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cgroupsPath that lies under Berth's own parent {@code berth/}, relative to a hierarchy root.
 * Parsing is the one gate every driver goes through: whatever the spec says, a path that does
 * not end up under {@code berth/} after normalising is refused, so no driver can be talked into
 * writing elsewhere in the host's hierarchy.
 */
public record CgroupPath(Path relative) {

    /** The name of Berth's parent cgroup, directly below each hierarchy's root. */
    public static final String PARENT = "berth";

    /**
     * The cgroupsPath of something of Berth's own directly below its parent, as a spec spells
     * it: "/berth/NAME" (a container's id, a primer's name).
     */
    public static String below(String name) {
        return "/" + PARENT + "/" + name;
    }

    /** Checks the invariant; use {@link #parse} to build one from a spec's string. */
    public CgroupPath {
        if (relative.isAbsolute() || relative.getNameCount() < 2
                || !relative.getName(0).toString().equals(PARENT)
                || !relative.normalize().equals(relative)) {
            throw new CgroupException("cgroup path " + relative + " is not below " + PARENT + "/");
        }
    }

    /**
     * Parses "/berth/ID", "berth/ID" or "berth/pod/ID"; ".." and "." are resolved first. Anything
     * not strictly below berth/ (including berth itself) is refused.
     */
    public static CgroupPath parse(String cgroupsPath) {
        if (cgroupsPath == null || cgroupsPath.isBlank() || cgroupsPath.indexOf('\0') >= 0) {
            throw new CgroupException("cgroupsPath is empty: Berth's cgroups live below "
                    + PARENT + "/");
        }
        Path normal = toRelative(cgroupsPath).normalize();
        if (normal.getNameCount() < 2 || !normal.getName(0).toString().equals(PARENT)) {
            throw new CgroupException("cgroupsPath " + cgroupsPath + " is outside Berth's parent "
                    + PARENT + "/: refused");
        }
        return new CgroupPath(normal);
    }

    private static Path toRelative(String cgroupsPath) {
        String stripped = cgroupsPath.replaceFirst("^/+", "");
        try {
            return Path.of(stripped.isEmpty() ? "." : stripped);
        } catch (InvalidPathException e) {
            throw new CgroupException("cgroupsPath " + cgroupsPath + " is not a path: refused");
        }
    }

    /** This cgroup's directory in the hierarchy mounted at {@code hierarchyRoot}. */
    public Path in(Path hierarchyRoot) {
        return hierarchyRoot.resolve(relative.toString());
    }

    /**
     * The directories from berth/ down to this cgroup, in the hierarchy at {@code hierarchyRoot}:
     * for "berth/pod/ID" that is berth, berth/pod, berth/pod/ID.
     */
    public List<Path> chainIn(Path hierarchyRoot) {
        List<Path> chain = new ArrayList<>();
        for (int i = 1; i <= relative.getNameCount(); i++) {
            chain.add(hierarchyRoot.resolve(relative.subpath(0, i).toString()));
        }
        return chain;
    }

    @Override
    public String toString() {
        return "/" + relative;
    }
}
