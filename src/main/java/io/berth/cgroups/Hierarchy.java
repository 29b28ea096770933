package io.berth.cgroups;

import io.berth.sys.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One mounted cgroup hierarchy (a v1 controller's tree or the v2 unified tree) and the only
 * code that changes it. Every mkdir, write and rmdir checks that its target lies below this
 * hierarchy's {@code berth/}, as a second wall behind {@link CgroupPath#parse}.
 */
record Hierarchy(Path root) {
    /** Errors cgroupfs gives that io.berth.sys.Errno does not name: number, name, text. */
    private static final Map<Integer, String[]> MORE_ERRNOS = Map.of(
            34, new String[] {"ERANGE", "numerical result out of range"},
            39, new String[] {"ENOTEMPTY", "directory not empty"},
            95, new String[] {"EOPNOTSUPP", "operation not supported"});
    private static final int ENOTEMPTY = 39;

    /** Whether {@code dir} holds the control file {@code file}. */
    boolean has(Path dir, String file) {
        return Files.isRegularFile(dir.resolve(file));
    }

    /** The control file's content, trimmed. */
    String read(Path dir, String file) {
        Path path = dir.resolve(file);
        try {
            return Files.readString(path, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw failure("read " + path, e);
        }
    }

    /**
     * Writes a value into an existing control file in one write(2), as the kernel wants it; the
     * file is never created, since a missing file means a missing controller.
     */
    void write(Path dir, String file, String value) {
        Path path = dir.resolve(file);
        requireOwned(path);
        try {
            Files.write(path, value.getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw failure("write " + value + " to " + path, e);
        }
    }

    /** Creates the cgroup directory; returns false when it already existed. */
    boolean mkdir(Path dir) {
        requireOwned(dir);
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return false;
            }
            throw failure("mkdir " + dir, e);
        } catch (IOException e) {
            throw failure("mkdir " + dir, e);
        }
    }

    /** Removes the cgroup directory; returns false when it was already gone. */
    boolean rmdir(Path dir) {
        requireOwned(dir);
        try {
            Files.delete(dir);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw failure("rmdir " + dir, e);
        }
    }

    /**
     * Removes the cgroup and the cgroups below it, deepest first: a container with its own
     * cgroup namespace may have made some, and rmdir(2) refuses a cgroup with children.
     */
    void removeTree(Path dir) {
        for (Path child : childCgroups(dir)) {
            removeTree(child);
        }
        rmdir(dir);
    }

    private static List<Path> childCgroups(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw failure("list " + dir, e);
        }
    }

    private void requireOwned(Path target) {
        Path parent = root.resolve(CgroupPath.PARENT);
        Path normal = target.normalize();
        if (!normal.startsWith(parent)) {
            throw new CgroupException("refusing to change " + target + ": outside " + parent);
        }
    }

    /** Wraps a failed file operation, naming the errno when the JDK's exception reveals it. */
    static CgroupException failure(String operation, IOException e) {
        int errno = errnoOf(e);
        String reason = errno == 0 ? String.valueOf(reasonOf(e))
                : errnoName(errno) + " (" + errnoText(errno) + ")";
        return new CgroupException(operation + ": " + reason, errno, e);
    }

    private static int errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        }
        if (e instanceof FileAlreadyExistsException) {
            return Errno.EEXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return ENOTEMPTY;
        }
        // The JDK reports other errors only as strerror text ("Invalid argument"), so match it
        // against the errno descriptions Berth knows.
        String reason = reasonOf(e);
        for (int errno = 1; reason != null && errno < 134; errno++) {
            if (errnoText(errno).equalsIgnoreCase(reason)) {
                return errno;
            }
        }
        return 0;
    }

    private static String reasonOf(IOException e) {
        return e instanceof FileSystemException fse && fse.getReason() != null
                ? fse.getReason() : e.getMessage();
    }

    private static String errnoName(int errno) {
        String[] more = MORE_ERRNOS.get(errno);
        return more != null ? more[0] : Errno.name(errno);
    }

    private static String errnoText(int errno) {
        String[] more = MORE_ERRNOS.get(errno);
        return more != null ? more[1] : Errno.describe(errno);
    }
}
