package io.berth.image;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Reads a layer blob once: its digest, its decompression, its diff id and its unpacking happen
 * in the same pass over the bytes, into a staging folder of the layer store.
 */
final class LayerReader {
    private static final int BUFFER = 64 * 1024;

    private final LayerStore layers;
    private final LayerUnpacker unpacker;

    LayerReader(LayerStore layers, LayerUnpacker unpacker) {
        this.layers = layers;
        this.unpacker = unpacker;
    }

    /** The diff id of a stored layer that a blob with this digest unpacks to, if any. */
    java.util.Optional<String> storedLayerOf(String blobDigest) {
        return layers.diffIdOfBlob(blobDigest);
    }

    /** Unpacks {@code blob} (gzip, zstd or plain) into a new staging folder; never closes it. */
    StagedLayer stage(InputStream blob, String what) {
        Path folder = layers.stage();
        try {
            return unpack(new Shielded(blob), folder, what);
        } catch (RuntimeException | Error e) {
            Tree.deleteQuietly(folder, e);
            throw e;
        }
    }

    /**
     * Three stages on three threads: reading and hashing the blob, decompressing it, and
     * hashing and unpacking the tar, so that one big layer uses every core.
     */
    private StagedLayer unpack(InputStream blob, Path folder, String what) {
        MessageDigest blobHash = Digest.sha256();
        MessageDigest diffHash = Digest.sha256();
        BufferedInputStream raw = new BufferedInputStream(ReadAhead.of(
                new DigestInputStream(blob, blobHash), "berth-blob"), BUFFER);
        Counted counted = new Counted(ReadAhead.of(open(raw, what), "berth-inflate"));
        try (InputStream tar = new DigestInputStream(counted, diffHash);
                TarSplit.Recorder recorded = TarSplit.record(tar, folder.resolve(TarSplit.FILE))) {
            long size = unpacker.unpack(recorded, folder.resolve("diff"), what, recorded);
            drain(recorded, what);
            drain(raw, what);
            if (counted.bytes < TAR_BLOCK) {
                // The tar reader takes a stream shorter than one header for an empty archive.
                throw new ImageFormatException(what + " is not a readable tar: it holds "
                        + counted.bytes + " bytes, less than one tar block.");
            }
            return new StagedLayer(Digest.of(blobHash), Digest.of(diffHash), folder, size);
        } catch (IOException e) {
            throw new UncheckedIOException("close " + what, e);
        } finally {
            closeQuietly(raw);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Only the producer thread is stopped here; the blob belongs to the caller.
        }
    }

    private static InputStream open(BufferedInputStream raw, String what) {
        try {
            return Compression.sniff(raw).open(raw);
        } catch (IOException e) {
            throw new ImageFormatException(what + " cannot be decompressed: "
                    + ImageFormatException.reason(e) + ".", e);
        }
    }

    /** The tar's zero blocks and a compressed stream's trailer count toward the digests. */
    private static void drain(InputStream in, String what) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new ImageFormatException(what + " is damaged: " + ImageFormatException.reason(e)
                    + ".", e);
        }
    }

    private static final int TAR_BLOCK = 512;

    /** Counts the bytes read through it. */
    private static final class Counted extends FilterInputStream {
        long bytes;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytes++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytes += n;
            }
            return n;
        }
    }

    /** Lets a decompressor be closed (freeing native memory) without closing the archive. */
    private static final class Shielded extends FilterInputStream {
        Shielded(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
