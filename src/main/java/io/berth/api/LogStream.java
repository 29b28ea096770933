package io.berth.api;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A container's log as `docker logs` wants it. The monitor writes the CRI log format, one line
 * per chunk of output ({@code TIME STREAM F|P CONTENT}, P for a partial line); this turns it
 * into docker's frames (or raw bytes for a terminal), with tail, since, until, timestamps and
 * follow.
 */
final class LogStream {
    private static final long FOLLOW_POLL_MS = 50;

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

    /** Writes what is there; when following, goes on until running says false. */
    void write(boolean follow, BooleanSupplier running) throws IOException,
            InterruptedException {
        long offset = Files.exists(file) ? Files.size(file) : 0;
        List<String> lines = offset == 0 ? List.of() : readLines(0, offset);
        for (String line : tail(lines)) {
            emit(line);
        }
        out.flush();
        if (follow) {
            follow(offset, running);
        }
    }

    private List<String> readLines(long from, long to) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(from);
            byte[] bytes = new byte[(int) (to - from)];
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n")));
            lines.removeIf(String::isEmpty);
            return lines;
        }
    }

    private List<String> tail(List<String> lines) {
        if (options.tail() == null || options.tail().isEmpty() || "all".equals(options.tail())) {
            return lines;
        }
        int n;
        try {
            n = Integer.parseInt(options.tail());
        } catch (NumberFormatException e) {
            return lines;
        }
        return n < 0 ? lines : lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private void follow(long offset, BooleanSupplier running) throws IOException,
            InterruptedException {
        StringBuilder pending = new StringBuilder();
        while (true) {
            boolean alive = running.getAsBoolean();
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (size > offset) {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                    f.seek(offset);
                    byte[] bytes = new byte[(int) (size - offset)];
                    f.readFully(bytes);
                    pending.append(new String(bytes, StandardCharsets.UTF_8));
                }
                offset = size;
                int nl;
                while ((nl = pending.indexOf("\n")) >= 0) {
                    emit(pending.substring(0, nl));
                    pending.delete(0, nl + 1);
                }
                out.flush();
            }
            if (!alive) {
                return;
            }
            Thread.sleep(FOLLOW_POLL_MS);
        }
    }

    private void emit(String line) throws IOException {
        String[] f = line.split(" ", 4);
        if (f.length < 3) {
            return;
        }
        int stream = "stderr".equals(f[1]) ? 2 : 1;
        if (stream == 1 && !options.stdout() || stream == 2 && !options.stderr()) {
            return;
        }
        long nanos = nanos(f[0]);
        if (nanos < options.sinceNanos() || options.untilNanos() > 0
                && nanos > options.untilNanos()) {
            return;
        }
        String content = (f.length == 4 ? f[3] : "") + ("P".equals(f[2]) ? "" : "\n");
        String text = options.timestamps() ? f[0] + " " + content : content;
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.write(options.tty() ? payload : StreamCopy.frame(stream, payload));
    }

    private static long nanos(String time) {
        try {
            Instant t = Instant.parse(time);
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        } catch (DateTimeParseException e) {
            return 0;
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
