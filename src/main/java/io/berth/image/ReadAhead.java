package io.berth.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a thread of its own, a few chunks ahead of its reader, so that the stages of
 * a layer (network and blob digest, decompression, diff id and unpacking) run on different cores
 * at once instead of taking turns on one. Written by hand: the JDK's pipes hand over a byte at a
 * time under a lock, and no library here offers a chunked read-ahead.
 */
final class ReadAhead extends InputStream {
    private static final int CHUNK = 256 * 1024;
    private static final int CHUNKS = 16;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(CHUNKS);
    /**
     * Arrays the reader has used up, for the producer to fill again: a pull reads about a
     * gigabyte through these, and fresh arrays cost zeroing and young collections for each.
     */
    private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(CHUNKS + 2);
    private final InputStream source;
    private final Thread producer;
    private volatile IOException failure;
    private Chunk current = new Chunk(new byte[0], 0);
    private int position;
    private boolean ended;

    /** The first {@code length} bytes of {@code data} are read-ahead content. */
    private record Chunk(byte[] data, int length) {
    }

    private ReadAhead(InputStream source, String name) {
        this.source = source;
        this.producer = new Thread(() -> fill(source), name);
        producer.setDaemon(true);
    }

    /** Starts reading {@code source} ahead; {@link #close} stops it and closes the source. */
    static ReadAhead of(InputStream source, String name) {
        ReadAhead ahead = new ReadAhead(source, name);
        ahead.producer.start();
        return ahead;
    }

    private void fill(InputStream source) {
        try {
            while (true) {
                byte[] data = spare.poll();
                int n = source.readNBytes(data != null ? data : (data = new byte[CHUNK]), 0,
                        CHUNK);
                if (n == 0) {
                    break;
                }
                chunks.put(new Chunk(data, n));
            }
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        } catch (InterruptedException e) {
            return;
        }
        try {
            chunks.put(END);
        } catch (InterruptedException e) {
            // The reader closed us: nobody waits for the end.
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == current.length() && !next()) {
            return -1;
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.data(), position, b, off, n);
        position += n;
        return n;
    }

    private boolean next() throws IOException {
        if (ended) {
            return false;
        }
        if (current.data().length == CHUNK) {
            spare.offer(current.data());
        }
        try {
            current = chunks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        }
        position = 0;
        if (current == END) {
            ended = true;
            if (failure != null) {
                throw failure;
            }
            return false;
        }
        return true;
    }

    @Override
    public int available() {
        return current.length() - position;
    }

    /**
     * Stops the producer and waits for it, so it never reads its source afterwards, then closes
     * the source (a decompressor frees its native memory only then).
     */
    @Override
    public void close() throws IOException {
        producer.interrupt();
        chunks.clear();
        try {
            producer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
