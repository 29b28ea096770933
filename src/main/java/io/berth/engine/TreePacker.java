package io.berth.engine;

import io.berth.image.IdShift;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a file or a folder tree as an uncompressed tar, the stream docker's archive endpoints
 * and {@code docker cp} exchange. Symlinks are stored, never followed; a file with several links
 * is stored once and then as hard links; sockets are left out, as docker does.
 */
public final class TreePacker {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;
    private static final int PIPE_BUFFER = 256 * 1024;

    private final IdShift unshift;
    private final Map<String, String> firstNames = new HashMap<>();
    private final byte[] buffer = new byte[128 * 1024];

    private TreePacker(IdShift unshift) {
        this.unshift = unshift;
    }

    /**
     * Writes {@code source} (not followed if a symlink) and, for a folder, everything below it,
     * naming the top entry {@code entryName} and the others below that name.
     *
     * @param unshift a user-namespace range whose host ids are stored as the container's own
     *     (host id {@code hostId} becomes 0); null stores ids as they are
     */
    public static void write(Path source, String entryName, OutputStream out, IdShift unshift)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        new TreePacker(unshift).pack(tar, source, entryName);
        tar.finish();
        tar.flush();
    }

    /**
     * The same tar as a stream, written by a thread of its own while the caller reads; {@code
     * afterwards} runs once the thread is done, whether it finished, failed, or the reader closed
     * the stream early, and before {@code close} returns. A failure of the writer reaches the
     * reader as an IOException at the end.
     */
    public static InputStream stream(Path source, String entryName, IdShift unshift,
            Runnable afterwards) throws IOException {
        PipedInputStream in = new PipedInputStream(PIPE_BUFFER);
        PipedOutputStream out = new PipedOutputStream(in);
        Piped piped = new Piped(in);
        piped.writer = Thread.ofPlatform().daemon().name("tar " + source).unstarted(() -> {
            try (out) {
                write(source, entryName, out, unshift);
            } catch (IOException | RuntimeException e) {
                piped.failure = e;
            } finally {
                afterwards.run();
            }
        });
        piped.writer.start();
        return piped;
    }

    /**
     * The reading end: a failure of the writing thread becomes an error at its end, and
     * closing waits for the thread, so what {@code afterwards} releases is released by then.
     */
    private static final class Piped extends java.io.FilterInputStream {
        private volatile Exception failure;
        private Thread writer;

        Piped(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            return b < 0 ? atEnd() : b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            return n < 0 ? atEnd() : n;
        }

        private int atEnd() throws IOException {
            if (failure != null) {
                throw new IOException("write tar: " + failure.getMessage(), failure);
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            super.close();
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("wait for the tar writer");
            }
        }
    }

    private void pack(TarArchiveOutputStream tar, Path path, String name) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:*", NOFOLLOW);
        int mode = (int) a.get("mode");
        switch (mode & S_IFMT) {
            case S_IFDIR -> packFolder(tar, path, name, a);
            case S_IFREG -> packFile(tar, path, name, a);
            case S_IFLNK -> put(tar, linked(entry(name, TarConstants.LF_SYMLINK, a),
                    Files.readSymbolicLink(path).toString()));
            case S_IFCHR -> put(tar, device(name, TarConstants.LF_CHR, a));
            case S_IFBLK -> put(tar, device(name, TarConstants.LF_BLK, a));
            case S_IFIFO -> put(tar, entry(name, TarConstants.LF_FIFO, a));
            default -> {
                // Sockets mean nothing outside the process that bound them.
            }
        }
    }

    private void packFolder(TarArchiveOutputStream tar, Path path, String name,
            Map<String, Object> a) throws IOException {
        put(tar, entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, a));
        List<Path> children;
        try (Stream<Path> list = Files.list(path)) {
            children = list.sorted().toList();
        }
        String prefix = name.endsWith("/") ? name : name + "/";
        for (Path child : children) {
            pack(tar, child, prefix + child.getFileName());
        }
    }

    private void packFile(TarArchiveOutputStream tar, Path path, String name,
            Map<String, Object> a) throws IOException {
        if ((int) a.get("nlink") > 1) {
            String key = a.get("dev") + ":" + a.get("ino");
            String first = firstNames.putIfAbsent(key, name);
            if (first != null) {
                put(tar, linked(entry(name, TarConstants.LF_LINK, a), first));
                return;
            }
        }
        long size = (long) a.get("size");
        TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, a);
        entry.setSize(size);
        tar.putArchiveEntry(entry);
        copyExactly(path, size, tar);
        tar.closeArchiveEntry();
    }

    /**
     * Copies exactly the size the header promised: a file that grows meanwhile is cut, one that
     * shrinks is padded with zeros, since the tar would be broken otherwise. O_NOFOLLOW, so a
     * file swapped for a symlink after the walk saw it is not followed out of the tree.
     */
    private void copyExactly(Path path, long size, OutputStream out) throws IOException {
        long left = size;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS); InputStream in = Channels.newInputStream(channel)) {
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                out.write(buffer, 0, n);
                left -= n;
            }
        }
        java.util.Arrays.fill(buffer, (byte) 0);
        while (left > 0) {
            int n = (int) Math.min(buffer.length, left);
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private TarArchiveEntry device(String name, byte type, Map<String, Object> a) {
        TarArchiveEntry e = entry(name, type, a);
        long rdev = (long) a.get("rdev");
        // glibc's major(3) and minor(3) of a 64-bit dev_t.
        e.setDevMajor((int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL)));
        e.setDevMinor((int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL)));
        return e;
    }

    private TarArchiveEntry entry(String name, byte type, Map<String, Object> a) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode((int) a.get("mode") & 07777);
        e.setUserId(id((int) a.get("uid")));
        e.setGroupId(id((int) a.get("gid")));
        e.setLastModifiedTime((FileTime) a.get("lastModifiedTime"));
        return e;
    }

    private long id(int hostId) {
        long id = Integer.toUnsignedLong(hostId);
        if (unshift != null && id >= unshift.hostId() && id < unshift.hostId() + unshift.size()) {
            return id - unshift.hostId();
        }
        return id;
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry entry)
            throws IOException {
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry linked(TarArchiveEntry entry, String target) {
        entry.setLinkName(target);
        return entry;
    }
}
