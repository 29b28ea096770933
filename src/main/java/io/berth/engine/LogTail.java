package io.berth.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Follows a container's log across the monitor's rotations. The file being read is held open,
 * so it can be read to its end after the monitor renamed (or, with one file, unlinked) it; the
 * monitor closes a full file before it renames it, so once the live path names another file
 * the open one is complete, and the reader goes on with the next newer one.
 */
final class LogTail implements AutoCloseable {
    /** More than any record: the monitor writes at most 8 KiB of output per record. */
    private static final int CHUNK = 1 << 20;

    private final Path log;
    private final ContainerLog.Position start;
    private boolean started;
    private FileChannel channel;
    private Object key;
    private long offset;
    /** The key of the file finished last, to find the one after it. */
    private Object finished;

    LogTail(Path log, ContainerLog.Position start) {
        this.log = log;
        this.start = start;
    }

    /**
     * Hands the whole records written since the last call to the sink, moving on through
     * files the monitor rotated meanwhile.
     *
     * @return true when the sink said to stop
     */
    boolean drain(Predicate<ContainerLog.Entry> sink) {
        while (true) {
            if (channel == null && !openNext()) {
                return false;
            }
            if (!readToEnd(sink)) {
                return true;
            }
            Object live = ContainerLog.fileKey(log);
            if (live == null || live.equals(key)) {
                return false;
            }
            if (!readToEnd(sink)) {
                return true;
            }
            finished = key;
            close();
        }
    }

    /** Opens the file after the one finished last (or the start's); false when none is yet. */
    private boolean openNext() {
        List<Path> files = ContainerLog.files(log);
        List<Object> keys = new ArrayList<>();
        files.forEach(f -> keys.add(ContainerLog.fileKey(f)));
        int index;
        long at = 0;
        if (!started && start.fileKey() != null && keys.contains(start.fileKey())) {
            index = keys.indexOf(start.fileKey());
            at = start.offset();
        } else {
            // A file gone from the list was dropped as the oldest: all that are left are newer.
            index = started ? keys.indexOf(finished) + 1 : 0;
        }
        if (index >= files.size()) {
            return false;
        }
        FileChannel opened = open(files.get(index));
        if (opened == null || !keys.get(index).equals(ContainerLog.fileKey(files.get(index)))) {
            closeQuietly(opened);
            return false; // rotated between the listing and the open: look again next time
        }
        started = true;
        channel = opened;
        key = keys.get(index);
        offset = at;
        return true;
    }

    /** Reads to the last whole line; false when the sink said to stop. */
    private boolean readToEnd(Predicate<ContainerLog.Entry> sink) {
        try {
            long size = channel.size();
            while (offset < size) {
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, size - offset));
                while (buf.hasRemaining() && channel.read(buf, offset + buf.position()) > 0) {
                    // Reads until the buffer is full or the file ends.
                }
                byte[] bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
                int upTo = ContainerLog.lastNewline(bytes) + 1;
                if (upTo == 0) {
                    return true; // a record still being written
                }
                offset += upTo;
                boolean[] go = {true};
                ContainerLog.parseLines(bytes, upTo, e -> go[0] = go[0] && sink.test(e));
                if (!go[0]) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("read " + log, e);
        }
    }

    private static FileChannel open(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // Read-only: nothing was lost.
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
        channel = null;
    }
}
