package io.berth.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 * then those between --since and --until, and follows new ones while the container runs. With
 * --log-opt max-size the monitor rotates the file (see {@link io.berth.runtime.LogRotation}):
 * the rotated files are read first, oldest first, and a follow goes on across a rotation.
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

        /**
         * A tail as dockerd reads docker's {@code --tail}: a number in Go's strconv.Atoi form
         * (an optional sign, then ASCII digits, within 64 bits); anything else, "all" and
         * "abc" alike, is every record (-1). The docker CLI passes the value on unchecked.
         */
        public static int tail(String value) {
            if (value == null || !value.matches("[+-]?[0-9]{1,19}")) {
                return -1;
            }
            try {
                return (int) Math.clamp(Long.parseLong(value), -1L, Integer.MAX_VALUE);
            } catch (NumberFormatException tooLong) {
                return -1; // beyond int64: Atoi fails, and dockerd takes all
            }
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
     * Where a reader stopped: a file, told apart by its inode since rotation renames it, and
     * the offset just past the last whole line read from it.
     *
     * @param fileKey the file's key ({@link BasicFileAttributes#fileKey()}); null when there
     *     was no file yet
     */
    public record Position(Object fileKey, long offset) {
    }

    /**
     * The files of a log, oldest first: the rotated ones ({@code <log>.N} down to {@code
     * <log>.1}) and then the live one, those that exist.
     */
    public static List<Path> files(Path log) {
        List<Path> out = new ArrayList<>();
        for (int i = 1; Files.exists(rotated(log, i)); i++) {
            out.addFirst(rotated(log, i));
        }
        if (Files.exists(log)) {
            out.add(log);
        }
        return out;
    }

    private static Path rotated(Path log, int n) {
        return log.resolveSibling(log.getFileName() + "." + n);
    }

    /**
     * Hands the records the query selects to {@code sink}, in order, from the rotated files
     * and the live one.
     *
     * @return where a follow goes on
     */
    public static Position read(Path log, Query query, Consumer<Entry> sink) {
        List<Entry> entries = new ArrayList<>();
        Position end = new Position(null, 0);
        for (Path file : files(log)) {
            Object key = fileKey(file);
            byte[] bytes = readAll(file);
            int upTo = lastNewline(bytes) + 1;
            parseLines(bytes, upTo, entries::add);
            end = new Position(key, upTo);
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
     * Hands on the records written after {@code from} while {@code running} says the
     * container runs, and those left once it has stopped, going on into the newer files when
     * the monitor rotates the log meanwhile; a record after the query's --until (or the clock
     * passing it) ends the follow too.
     */
    public static void follow(Path log, Position from, Query query, BooleanSupplier running,
            Consumer<Entry> sink) throws InterruptedException {
        try (LogTail tail = new LogTail(log, from)) {
            while (true) {
                boolean more = running.getAsBoolean();
                if (tail.drain(e -> pass(e, query, sink))) {
                    return;
                }
                if (!more || (query.until() != null && Instant.now().isAfter(query.until()))) {
                    return;
                }
                Thread.sleep(FOLLOW_POLL_MILLIS);
            }
        }
    }

    /** Hands on an admitted record; false once a record lies past --until. */
    private static boolean pass(Entry e, Query query, Consumer<Entry> sink) {
        if (query.until() != null && e.time().isAfter(query.until())) {
            return false;
        }
        if (query.admits(e)) {
            sink.accept(e);
        }
        return true;
    }

    static void parseLines(byte[] bytes, int upTo, Consumer<Entry> sink) {
        for (String line : new String(bytes, 0, upTo, StandardCharsets.UTF_8).split("\n")) {
            parse(line).ifPresent(sink);
        }
    }

    /** The file's key, or null when it is gone. */
    static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] readAll(Path log) {
        try {
            return Files.readAllBytes(log);
        } catch (java.nio.file.NoSuchFileException e) {
            return new byte[0]; // never written, or rotated away since the listing
        } catch (IOException e) {
            throw new UncheckedIOException("read " + log, e);
        }
    }
}
