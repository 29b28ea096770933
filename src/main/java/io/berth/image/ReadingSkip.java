package io.berth.image;

import java.io.IOException;
import java.io.InputStream;

/** A skip that reads what it passes over, for streams that must see every byte they hand on. */
final class ReadingSkip {
    private ReadingSkip() {
    }

    /** Reads and drops up to {@code n} bytes of {@code in}; returns how many it passed. */
    static long skip(InputStream in, long n, int bufferSize) throws IOException {
        byte[] scratch = new byte[(int) Math.min(bufferSize, Math.max(n, 1))];
        long done = 0;
        while (done < n) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }
}
