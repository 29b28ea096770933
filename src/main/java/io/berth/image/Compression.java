package io.berth.image;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** How a layer blob is compressed, told by its first bytes (media types are often wrong). */
enum Compression {
    NONE, GZIP, ZSTD;

    private static final int BUFFER = 64 * 1024;

    /** Looks at the first bytes of {@code in}, which must support mark and reset. */
    static Compression sniff(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    /** The uncompressed content of {@code in}. */
    InputStream open(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), BUFFER);
        };
    }

    /** True if the first block looks like a tar header, or is the zero block of an empty tar. */
    static boolean looksLikeTar(BufferedInputStream in) throws IOException {
        in.mark(512);
        byte[] block = in.readNBytes(512);
        in.reset();
        if (block.length < 512) {
            return false;
        }
        boolean zero = true;
        for (byte b : block) {
            zero &= b == 0;
        }
        return zero || new String(block, 257, 5, java.nio.charset.StandardCharsets.US_ASCII)
                .equals("ustar");
    }
}
