package io.berth.image;

import io.berth.sys.Errno;
import io.berth.sys.MountFlags;
import io.berth.sys.Sys;
import io.berth.sys.SysException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Overlay mounts of an image: the layers as lower dirs, a container's changes in an upper dir.
 * With an id shift the merged tree is chowned once through the mount; metacopy=on makes that a
 * copy-up of metadata only, so a user-namespaced container owns its root at little cost.
 */
final class Snapshots {
    private static final int PAGE = 4096;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Sys sys;

    Snapshots(Sys sys) {
        this.sys = sys;
    }

    void mount(List<Path> layersLowestFirst, Path snapshotDir, Path target, IdShift shift) {
        mount(layersLowestFirst, snapshotDir, target, shift, false);
    }

    /**
     * As {@link #mount(List, Path, Path, IdShift)}; a throw-away snapshot (a --rm container's)
     * is mounted "volatile": overlay then never syncs its upper file system, which at unmount
     * would write back every dirty page of the whole file system under the store, tens of
     * milliseconds of each `run --rm`. Its writes may not survive a crash of the host, which a
     * container removed at its exit never needs.
     */
    void mount(List<Path> layersLowestFirst, Path snapshotDir, Path target, IdShift shift,
            boolean throwAway) {
        Path upper = snapshotDir.resolve("upper");
        Path work = snapshotDir.resolve("work");
        List<Path> lowers = new ArrayList<>(layersLowestFirst.reversed());
        folders(upper, work, target);
        if (lowers.isEmpty()) {
            lowers.add(snapshotDir.resolve("empty"));
            folders(lowers.getFirst());
        }
        String data = options(lowers, upper, work, shift != null);
        clearVolatileMark(work);
        if (throwAway) {
            mountVolatile(target, data);
        } else {
            sys.mount("overlay", target.toString(), "overlay", 0, data);
        }
        if (shift != null) {
            try {
                shiftOnce(snapshotDir, target, shift);
            } catch (RuntimeException e) {
                unmount(target);
                throw e;
            }
        }
    }

    /**
     * Overlay marks a volatile mount in work/work/incompat/volatile and then refuses any mount
     * of the snapshot, as its upper folder may be torn after a crash. Only a throw-away
     * snapshot is mounted so, and it is remounted only after this engine unmounted it (a start
     * after a failed start, a copy into its container), so the mark is cleared first.
     */
    private static void clearVolatileMark(Path work) {
        Path mark = work.resolve("work/incompat/volatile");
        if (!Files.exists(mark, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(mark)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("clear the volatile mark of " + work, e);
        }
    }

    /** A kernel without the volatile option (before 5.10) gets the usual mount. */
    private void mountVolatile(Path target, String data) {
        try {
            sys.mount("overlay", target.toString(), "overlay", 0, data + ",volatile");
        } catch (SysException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
            sys.mount("overlay", target.toString(), "overlay", 0, data);
        }
    }

    private static void folders(Path... folders) {
        for (Path folder : folders) {
            try {
                Files.createDirectories(folder);
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException("make snapshot folder " + folder, e);
            }
        }
    }

    // Not yet: more layers than fit in one page of mount options; fsconfig(2) with
    // "lowerdir+" (Linux 6.8) takes them one at a time and would lift the limit.
    private static String options(List<Path> lowers, Path upper, Path work, boolean metacopy) {
        StringBuilder data = new StringBuilder("lowerdir=");
        for (int i = 0; i < lowers.size(); i++) {
            data.append(i == 0 ? "" : ":").append(escape(lowers.get(i)));
        }
        data.append(",upperdir=").append(escape(upper)).append(",workdir=").append(escape(work));
        if (metacopy) {
            data.append(",metacopy=on");
        }
        if (data.length() >= PAGE) {
            throw new IllegalStateException("mount overlay with " + lowers.size()
                    + " layers: the options exceed one page (" + data.length() + " bytes)");
        }
        return data.toString();
    }

    /** Overlay splits its options at commas and lower dirs at colons, unless escaped. */
    private static String escape(Path path) {
        return path.toAbsolutePath().toString().replace("\\", "\\\\").replace(",", "\\,")
                .replace(":", "\\:");
    }

    void unmount(Path target) {
        try {
            sys.umount(target.toString(), 0);
        } catch (SysException e) {
            if (notMounted(e)) {
                return;
            }
            if (e.errno() != Errno.EBUSY) {
                throw e;
            }
            detach(target);
        }
    }

    /**
     * The lazy unmount after EBUSY. Another finisher of the same container (the service's exit
     * follower beside an `rm -f`) may have unmounted it in between: EINVAL then, as for the
     * first attempt, means there is nothing left to undo.
     */
    private void detach(Path target) {
        try {
            sys.umount(target.toString(), MountFlags.MNT_DETACH);
        } catch (SysException e) {
            if (!notMounted(e)) {
                throw e;
            }
        }
    }

    /** EINVAL: not a mount point (any more); ENOENT: no such folder. */
    private static boolean notMounted(SysException e) {
        return e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT;
    }

    /** A marker in the snapshot folder keeps a remount from shifting the ids twice. */
    private void shiftOnce(Path snapshotDir, Path target, IdShift shift) {
        Path marker = snapshotDir.resolve("idshift");
        String wanted = shift.hostId() + " " + shift.size();
        try {
            if (Files.exists(marker)) {
                String done = Files.readString(marker).strip();
                if (!done.equals(wanted)) {
                    throw new IllegalStateException("snapshot " + snapshotDir
                            + " is shifted to ids " + done + " already, not " + wanted);
                }
                return;
            }
            chownTree(target, shift);
            Files.writeString(marker, wanted);
        } catch (IOException e) {
            throw new UncheckedIOException("shift ids of " + target, e);
        }
    }

    private void chownTree(Path root, IdShift shift) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                    throws IOException {
                shift(dir, shift);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                shift(file, shift);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * chown clears set-id bits and file capabilities, so both are put back after it, the
     * capability as one for the container's root (see {@link FileCapability}). Through
     * syscalls of our own: the JDK opens a file to change its mode, which blocks on a FIFO.
     */
    private void shift(Path path, IdShift shift) throws IOException {
        int uid = (int) Files.getAttribute(path, "unix:uid", NOFOLLOW);
        int gid = (int) Files.getAttribute(path, "unix:gid", NOFOLLOW);
        int mode = (int) Files.getAttribute(path, "unix:mode", NOFOLLOW);
        boolean regular = (mode & 0170000) == 0100000;
        byte[] capability = regular ? capability(path) : null;
        sys.lchown(path.toString(), shift.shift(uid), shift.shift(gid));
        if ((mode & 06000) != 0 && regular) {
            sys.chmod(path.toString(), mode & 07777);
        }
        if (capability != null) {
            sys.lsetxattr(path.toString(), FileCapability.XATTR,
                    FileCapability.shifted(capability, shift));
        }
    }

    private byte[] capability(Path path) {
        try {
            return sys.lgetxattr(path.toString(), FileCapability.XATTR);
        } catch (SysException e) {
            if (e.errno() == Errno.EOPNOTSUPP) {
                return null;
            }
            throw e;
        }
    }
}
