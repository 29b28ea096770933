package io.berth.api;

import io.berth.runtime.Attachment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Carries a container's stdio over a hijacked connection. Output comes from the monitor as
 * docker's 8-byte frames; with a terminal docker sends the bytes raw, so the frames are
 * unwrapped. Input goes to the container only when the client asked for stdin; the client's
 * half-close then becomes the container's end of input, and output keeps flowing until the
 * process is done.
 */
final class StreamCopy {
    private static final int HEADER = 8;

    private StreamCopy() {
    }

    /** Which parts of the output the client asked for. */
    record Selection(boolean stdout, boolean stderr, boolean tty) {
        boolean wants(int stream) {
            if (tty) {
                return true;
            }
            return stream == 2 ? stderr : stdout;
        }
    }

    /** Copies until the container's output ends; stdin from the client when asked. */
    static void attach(Attachment attachment, HttpExchange.RawStream client, Selection what,
            boolean stdin) throws IOException {
        attach(attachment, client, what, stdin, () -> { });
    }

    /** As above; {@code whenOutputEnds} runs before the client's side is closed. */
    static void attach(Attachment attachment, HttpExchange.RawStream client, Selection what,
            boolean stdin, Runnable whenOutputEnds) throws IOException {
        if (stdin) {
            pumpStdin(client.input(), attachment.stdin());
        } else {
            attachment.stdin().close();
        }
        try (attachment) {
            copyFrames(attachment.output(), client.output(), what);
        } finally {
            whenOutputEnds.run();
            client.closeOutput().run();
        }
    }

    private static void pumpStdin(InputStream from, OutputStream to) {
        Thread.ofVirtual().name("stdin").start(() -> {
            try (to) {
                from.transferTo(to);
            } catch (IOException e) {
                // The container or the client went away; nothing more to forward.
            }
        });
    }

    /** Copies frames as they come, flushing each so that the client sees output at once. */
    static void copyFrames(InputStream in, OutputStream out, Selection what) throws IOException {
        byte[] header = new byte[HEADER];
        byte[] buffer = new byte[32 * 1024];
        while (in.readNBytes(header, 0, HEADER) == HEADER) {
            int stream = header[0];
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16)
                    | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            boolean keep = what.wants(stream);
            if (keep && !what.tty()) {
                out.write(header);
            }
            while (size > 0) {
                int n = in.read(buffer, 0, (int) Math.min(size, buffer.length));
                if (n < 0) {
                    out.flush();
                    return;
                }
                if (keep) {
                    out.write(buffer, 0, n);
                }
                size -= n;
            }
            out.flush();
        }
        out.flush();
    }

    /** One frame of docker's multiplexed stream. */
    static byte[] frame(int stream, byte[] payload) {
        byte[] f = new byte[HEADER + payload.length];
        f[0] = (byte) stream;
        f[4] = (byte) (payload.length >>> 24);
        f[5] = (byte) (payload.length >>> 16);
        f[6] = (byte) (payload.length >>> 8);
        f[7] = (byte) payload.length;
        System.arraycopy(payload, 0, f, HEADER, payload.length);
        return f;
    }
}
