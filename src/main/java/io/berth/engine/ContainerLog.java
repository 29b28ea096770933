package io.berth.engine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a container's log, which the shim writes in the CRI format, one record a line:
 * {@code <RFC 3339 time> <stdout|stderr> <F|P> <content>} (P: a part of a longer line, whose
 * newline comes with a later record). Selects records as {@code docker logs} does: the last N,
 * then those between --since and --until, and follows new ones while the container runs.
 */
public final class ContainerLog {
    private static final long FOLLOW_POLL_MILLIS = 100;

    private ContainerLog() {
    }

    /**
     * One record.
     *
     * @param timestamp the time as written, which {@code logs -t} prints as it is
     * @param partial a part of a line: no newline follows its content
     */
    public record Entry(Instant time, String timestamp, String stream, boolean partial,
            String content) {
    }

    /**
     * What to read.
     *
     * @param since null for the beginning; records before it are left out
     * @param until null for no end; records after it are left out (and end a follow)
     * @param tail the last records to take before the time filter; negative for all
     */
    public record Query(Instant since, Instant until, int tail) {
        /** Every record. */
        public static Query all() {
            return new Query(null, null, -1);
        }

        boolean admits(Entry e) {
            return (since == null || !e.time().isBefore(since))
                    && (until == null || !e.time().isAfter(until));
        }
    }

    /** A record of the log, or empty for a line that is none. */
    public static Optional<Entry> parse(String line) {
        String[] f = line.split(" ", 4);
        if (f.length < 3 || !(f[1].equals("stdout") || f[1].equals("stderr"))) {
            return Optional.empty();
        }
        try {
            Instant time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(f[0], Instant::from);
            return Optional.of(new Entry(time, f[0], f[1], f[2].equals("P"),
                    f.length == 4 ? f[3] : ""));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Hands the records the query selects to {@code sink}, in order.
     *
     * @return the byte offset read up to, where a follow goes on
     */
    public static long read(Path log, Query query, Consumer<Entry> sink) {
        byte[] bytes = readAll(log);
        int end = lastNewline(bytes) + 1;
        List<Entry> entries = new ArrayList<>();
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            parse(line).ifPresent(entries::add);
        }
        int from = query.tail() < 0 ? 0 : Math.max(0, entries.size() - query.tail());
        for (Entry e : entries.subList(from, entries.size())) {
            if (query.admits(e)) {
                sink.accept(e);
            }
        }
        return end;
    }

    /**
     * Hands on the records written after {@code offset} while {@code running} says the
     * container runs, and those left once it has stopped; a record after the query's --until
     * (or the clock passing it) ends the follow too.
     */
    public static void follow(Path log, long offset, Query query, BooleanSupplier running,
            Consumer<Entry> sink) throws InterruptedException {
        long at = offset;
        while (true) {
            boolean more = running.getAsBoolean();
            byte[] chunk = readFrom(log, at);
            int end = lastNewline(chunk) + 1;
            at += end;
            for (String line : new String(chunk, 0, end, StandardCharsets.UTF_8).split("\n")) {
                Optional<Entry> e = parse(line);
                if (e.isPresent() && query.until() != null
                        && e.get().time().isAfter(query.until())) {
                    return;
                }
                e.filter(query::admits).ifPresent(sink);
            }
            if (!more || (query.until() != null && Instant.now().isAfter(query.until()))) {
                return;
            }
            Thread.sleep(FOLLOW_POLL_MILLIS);
        }
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] readAll(Path log) {
        try {
            return Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
        } catch (IOException e) {
            throw new UncheckedIOException("read " + log, e);
        }
    }

    private static byte[] readFrom(Path log, long offset) {
        if (!Files.exists(log)) {
            return new byte[0];
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return new byte[0];
            }
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - offset)];
            f.seek(offset);
            f.readFully(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("read " + log, e);
        }
    }
}
