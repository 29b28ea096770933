package io.berth.api;

import io.berth.engine.ContainerLog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * A container's log as `docker logs` wants it. The monitor writes the CRI log format, one line
 * per chunk of output ({@code TIME STREAM F|P CONTENT}, P for a partial line); this turns it
 * into docker's frames (or raw bytes for a terminal), with tail, since, until, timestamps and
 * follow.
 */
final class LogStream {
    /** What the client asked for. */
    record Options(boolean stdout, boolean stderr, boolean timestamps, String tail,
            long sinceNanos, long untilNanos, boolean tty) {
    }

    private final Path file;
    private final Options options;
    private final OutputStream out;

    LogStream(Path file, Options options, OutputStream out) {
        this.file = file;
        this.options = options;
        this.out = out;
    }

    /**
     * Writes what is there, from the rotated files and the live one; when following, goes on
     * until running says false.
     */
    void write(boolean follow, BooleanSupplier running) throws IOException,
            InterruptedException {
        ContainerLog.Query query = new ContainerLog.Query(instant(options.sinceNanos()),
                instant(options.untilNanos()), ContainerLog.Query.tail(options.tail()));
        try {
            ContainerLog.Position end = ContainerLog.read(file, query, this::emit);
            out.flush();
            if (follow) {
                ContainerLog.follow(file, end, query, running, e -> {
                    emit(e);
                    flush();
                });
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Instant instant(long nanos) {
        return nanos <= 0 ? null : Instant.ofEpochSecond(0, nanos);
    }

    private void emit(ContainerLog.Entry e) {
        int stream = "stderr".equals(e.stream()) ? 2 : 1;
        if (stream == 1 && !options.stdout() || stream == 2 && !options.stderr()) {
            return;
        }
        String content = e.content() + (e.partial() ? "" : "\n");
        String text = options.timestamps() ? e.timestamp() + " " + content : content;
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        try {
            out.write(options.tty() ? payload : StreamCopy.frame(stream, payload));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** docker's since/until: unix seconds, with an optional fraction. */
    static long parseTime(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            java.math.BigDecimal seconds = new java.math.BigDecimal(value);
            return seconds.movePointRight(9).longValue();
        } catch (NumberFormatException e) {
            throw new ApiException(400, "invalid time value: " + value);
        }
    }
}
