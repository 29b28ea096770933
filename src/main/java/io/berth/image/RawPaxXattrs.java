package io.berth.image;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The exact bytes of the {@code SCHILY.xattr.*} records in the PAX header of each tar entry.
 *
 * <p>commons-compress decodes every PAX value as UTF-8 into a String and has no way to give the
 * raw value, so a binary xattr (a {@code security.capability} struct, full of NUL and high
 * bytes) comes out with U+FFFD in place of its bytes. This stream sits right below the tar
 * reader, keeps what the reader consumes while it looks for the next entry (the 'x' header and
 * its records, a few hundred bytes), and parses those records by hand. Only the xattr values
 * are taken from here; every other field still comes from commons-compress.
 */
final class RawPaxXattrs extends FilterInputStream {
    static final String PREFIX = "SCHILY.xattr.";
    private static final int BLOCK = 512;
    /** A PAX header larger than this is left to commons-compress (text values stay right). */
    private static final int LIMIT = 4 << 20;

    private final ByteArrayOutputStream window = new ByteArrayOutputStream();
    /** Xattrs of global ('g') headers: they hold for every later entry. */
    private final Map<String, byte[]> global = new HashMap<>();
    private long position;
    private long windowStart;
    private boolean capturing;

    RawPaxXattrs(InputStream tar) {
        super(tar);
    }

    /** Call right before the tar reader looks for its next entry. */
    void beginEntry() {
        window.reset();
        windowStart = position;
        capturing = true;
    }

    /**
     * Call right after the tar reader found its entry: the raw xattr values of that entry's
     * own PAX header, by their full PAX key; empty when it had none or they could not be read.
     */
    Map<String, byte[]> endEntry() {
        capturing = false;
        byte[] bytes = window.toByteArray();
        window.reset();
        Map<String, byte[]> own = parse(bytes, (int) ((BLOCK - windowStart % BLOCK) % BLOCK),
                global);
        if (global.isEmpty()) {
            return own;
        }
        Map<String, byte[]> all = new HashMap<>(global);
        all.putAll(own);
        return all;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            if (capturing) {
                keep(b, off, n);
            }
            position += n;
        }
        return n;
    }

    /** Read through while capturing: the padding after a PAX header is skipped, not read. */
    @Override
    public long skip(long n) throws IOException {
        if (!capturing) {
            long skipped = in.skip(n);
            position += skipped;
            return skipped;
        }
        return ReadingSkip.skip(this, n, 64 * 1024);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Content nobody read runs through here too; past the limit the window starts anew. */
    private void keep(byte[] b, int off, int n) {
        if (window.size() + n > LIMIT) {
            window.reset();
            windowStart = position + n;
            return;
        }
        window.write(b, off, n);
    }

    /**
     * Walks the headers in {@code bytes} from the first block boundary that holds a valid
     * header (what comes before it is the previous entry's padding), collecting the 'x'
     * records, until the entry's own header; a 'g' header's go to {@code global}.
     */
    static Map<String, byte[]> parse(byte[] bytes, int firstBlock, Map<String, byte[]> global) {
        Map<String, byte[]> found = new HashMap<>();
        int at = firstBlock;
        boolean synced = false;
        while (at + BLOCK <= bytes.length) {
            if (!isHeader(bytes, at)) {
                if (synced) {
                    break;
                }
                at += BLOCK;
                continue;
            }
            synced = true;
            byte type = bytes[at + 156];
            long size = size(bytes, at + 124);
            if (size < 0 || size > bytes.length) {
                break;
            }
            int length = (int) Math.min(size, bytes.length - at - BLOCK);
            if (type == 'x') {
                records(bytes, at + BLOCK, length, found);
            } else if (type == 'g') {
                records(bytes, at + BLOCK, length, global);
            } else if (type != 'L' && type != 'K') {
                break; // the entry itself
            }
            at += BLOCK + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
        }
        return found;
    }

    /** "LEN KEY=VALUE\n" records, LEN counting the whole record; only xattrs are kept. */
    private static void records(byte[] b, int from, int length, Map<String, byte[]> into) {
        int end = from + length;
        int at = from;
        while (at < end) {
            int space = indexOf(b, at, end, (byte) ' ');
            if (space < 0) {
                return;
            }
            int len = decimal(b, at, space);
            if (len <= space - at || at + len > end || b[at + len - 1] != '\n') {
                return;
            }
            int equals = indexOf(b, space + 1, at + len, (byte) '=');
            if (equals < 0) {
                return;
            }
            String key = new String(b, space + 1, equals - space - 1, StandardCharsets.UTF_8);
            if (key.startsWith(PREFIX)) {
                into.put(key, Arrays.copyOfRange(b, equals + 1, at + len - 1));
            }
            at += len;
        }
    }

    private static int indexOf(byte[] b, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (b[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static int decimal(byte[] b, int from, int to) {
        if (to - from < 1 || to - from > 9) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            value = value * 10 + (b[i] - '0');
        }
        return value;
    }

    /** A block whose checksum (signed or unsigned, as old writers differ) matches. */
    private static boolean isHeader(byte[] b, int at) {
        long stored = octal(b, at + 148, 8);
        if (stored < 0) {
            return false;
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte c = i >= 148 && i < 156 ? (byte) ' ' : b[at + i];
            unsigned += c & 0xff;
            signed += c;
        }
        return stored == unsigned || stored == signed;
    }

    /** The size field: octal, or base-256 when its first byte has the high bit set. */
    private static long size(byte[] b, int at) {
        if ((b[at] & 0x80) != 0) {
            long value = 0;
            for (int i = 1; i < 12; i++) {
                if (value >>> 55 != 0) {
                    return -1;
                }
                value = (value << 8) | (b[at + i] & 0xff);
            }
            return value;
        }
        return octal(b, at, 12);
    }

    private static long octal(byte[] b, int at, int length) {
        long value = 0;
        boolean digits = false;
        for (int i = at; i < at + length; i++) {
            byte c = b[i];
            if (c == 0 || (c == ' ' && digits)) {
                break;
            }
            if (c == ' ') {
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            value = value * 8 + (c - '0');
            digits = true;
        }
        return digits ? value : -1;
    }
}
