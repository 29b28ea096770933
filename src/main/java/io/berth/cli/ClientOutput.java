package io.berth.cli;

import io.berth.sys.Errno;
import io.berth.sys.Sys;
import io.berth.sys.SysException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A command-line client's own stdout or stderr, taken into the engine (see {@link
 * Sys#pidfdGetfd}): what a relayed command prints goes straight to where the client's output goes,
 * a terminal, a pipe or a file at its current offset, as if the client had written it. The JDK
 * makes a stream only of descriptors it opened itself, so this one writes through {@link Sys}.
 */
final class ClientOutput extends OutputStream {
    private static final long WAIT_NANOS = 1_000_000;

    private final Sys sys;
    private final int fd;
    private final AtomicBoolean broken;
    private final Runnable onBroken;
    private boolean closed;

    /**
     * @param broken shared by a client's stdout and stderr: set when the reader of either is
     *     gone (EPIPE), or the client itself; from then on both write nothing
     * @param onBroken run when this stream sets {@code broken}, before its write fails
     */
    ClientOutput(Sys sys, int fd, AtomicBoolean broken, Runnable onBroken) {
        this.sys = sys;
        this.fd = fd;
        this.broken = broken;
        this.onBroken = onBroken;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (closed || broken.get()) {
            throw new IOException("the client's output is closed");
        }
        while (len > 0) {
            int n;
            try {
                n = sys.write(fd, b, off, len);
            } catch (SysException e) {
                if (e.errno() == Errno.EAGAIN) {
                    // The caller's output is non-blocking (the file is shared, flags too).
                    LockSupport.parkNanos(WAIT_NANOS);
                    continue;
                }
                if (e.errno() == Errno.EPIPE && broken.compareAndSet(false, true)) {
                    onBroken.run();
                }
                throw new IOException(e.getMessage(), e);
            }
            off += n;
            len -= n;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            sys.close(fd);
        }
    }
}
