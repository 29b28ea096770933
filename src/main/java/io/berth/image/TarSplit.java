package io.berth.image;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The bytes of a layer tar that are not file content (headers, PAX records, padding, the end
 * blocks), kept beside the unpacked layer so that the very same tar, and so the same diff id,
 * can be written again for {@code save} and {@code push} without keeping a second copy of the
 * layer. File content is referred to by its path in the unpacked folder.
 *
 * <p>Written by hand: the tar-split format that docker and podman use has no Java library, and
 * this one is simpler: a gzip stream of records, {@code 'R' int bytes} for raw tar bytes and
 * {@code 'F' long size UTF path} for a file's content.
 */
final class TarSplit {
    static final String FILE = "tar-split.gz";
    private static final int RAW = 'R';
    private static final int CONTENT = 'F';
    private static final int BUFFER = 64 * 1024;

    private TarSplit() {
    }

    /** Records what is read through it into {@code skeleton}; see {@link Recorder}. */
    static Recorder record(InputStream tar, Path skeleton) {
        try {
            OutputStream out = Files.newOutputStream(skeleton);
            return new Recorder(tar, new DataOutputStream(new BufferedOutputStream(
                    new FastGzip(out), BUFFER)));
        } catch (IOException e) {
            throw new UncheckedIOException("create " + skeleton, e);
        }
    }

    /**
     * Sits below the tar reader, with nothing that buffers between, and sees every byte of
     * the tar. After the reader returns a regular file's header, {@link #content} says that
     * the next {@code size} bytes are that file's content: they are left out of the skeleton,
     * whoever reads them.
     */
    static final class Recorder extends FilterInputStream {
        private final DataOutputStream skeleton;
        private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        private long contentLeft;

        private Recorder(InputStream in, DataOutputStream skeleton) {
            super(in);
            this.skeleton = skeleton;
        }

        /** The next {@code size} bytes of the tar are the content of {@code path}. */
        void content(String path, long size) throws IOException {
            if (contentLeft > 0) {
                throw new IllegalStateException("content of a file began inside another's");
            }
            flushRaw();
            skeleton.writeByte(CONTENT);
            skeleton.writeLong(size);
            skeleton.writeUTF(path);
            contentLeft = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n <= 0) {
                return n;
            }
            int content = (int) Math.min(n, contentLeft);
            contentLeft -= content;
            raw.write(b, off + content, n - content);
            return n;
        }

        /** Skipped bytes are read, since the skeleton must hold them too. */
        @Override
        public long skip(long n) throws IOException {
            return ReadingSkip.skip(this, n, BUFFER);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void flushRaw() throws IOException {
            if (raw.size() == 0) {
                return;
            }
            skeleton.writeByte(RAW);
            skeleton.writeInt(raw.size());
            raw.writeTo(skeleton);
            raw.reset();
        }

        /** Ends the skeleton; the tar stream below is left to its owner. */
        @Override
        public void close() throws IOException {
            flushRaw();
            skeleton.close();
        }
    }

    /**
     * Headers are mostly zeros and repeated names: the fastest level shrinks them nearly as
     * well as the default, at a fraction of the CPU a pull can spare.
     */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, BUFFER);
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
    }

    /** The length of the tar that {@link #replay} writes. */
    static long size(Path skeleton) throws IOException {
        long total = 0;
        try (DataInputStream in = open(skeleton)) {
            int type;
            while ((type = in.read()) >= 0) {
                if (type == RAW) {
                    int n = in.readInt();
                    in.skipNBytes(n);
                    total += n;
                } else if (type == CONTENT) {
                    total += in.readLong();
                    in.readUTF();
                } else {
                    throw new IOException("unknown record " + type + " in " + skeleton);
                }
            }
        }
        return total;
    }

    /** Writes the layer tar again from its skeleton and the files of {@code diff}. */
    static void replay(Path skeleton, Path diff, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        try (DataInputStream in = open(skeleton)) {
            int type;
            while ((type = in.read()) >= 0) {
                if (type == RAW) {
                    copy(in, in.readInt(), out, buffer, skeleton.toString());
                } else if (type == CONTENT) {
                    long size = in.readLong();
                    Path file = inside(diff, in.readUTF());
                    try (InputStream content = Files.newInputStream(file,
                            StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                        copy(content, size, out, buffer, file.toString());
                        if (content.read() >= 0) {
                            throw new IOException(file + " grew since it was unpacked");
                        }
                    }
                } else {
                    throw new IOException("unknown record " + type + " in " + skeleton);
                }
            }
        }
    }

    private static DataInputStream open(Path skeleton) throws IOException {
        return new DataInputStream(new BufferedInputStream(
                new GZIPInputStream(Files.newInputStream(skeleton), BUFFER), BUFFER));
    }

    private static void copy(InputStream in, long size, OutputStream out, byte[] buffer,
            String what) throws IOException {
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException(what + " ended " + left + " bytes early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** Paths come from our own recording, but a skeleton is a file: never leave the layer. */
    private static Path inside(Path diff, String relative) throws IOException {
        Path file = diff.resolve(relative).normalize();
        if (!file.startsWith(diff.normalize())) {
            throw new IOException("tar-split names a file outside its layer: " + relative);
        }
        return file;
    }
}
