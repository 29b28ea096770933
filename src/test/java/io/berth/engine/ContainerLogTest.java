package io.berth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogTest {
    private static final String LOG = """
            2024-05-01T10:00:00.000000001Z stdout F one
            2024-05-01T10:00:01.5Z stderr F two
            2024-05-01T10:00:02Z stdout P thr
            2024-05-01T10:00:02.1Z stdout F ee
            2024-05-01T10:00:03Z stdout F four
            """;

    @TempDir
    Path dir;

    private static List<String> read(Path log, ContainerLog.Query query) {
        List<String> out = new ArrayList<>();
        ContainerLog.read(log, query, e -> out.add(e.stream() + ":" + e.content()
                + (e.partial() ? "" : "/")));
        return out;
    }

    @Test
    void sinceAndUntilKeepTheRecordsBetweenThemBothIncluded() throws IOException {
        Path log = Files.writeString(dir.resolve("container.log"), LOG);
        assertEquals(List.of("stderr:two/", "stdout:thr", "stdout:ee/"), read(log,
                new ContainerLog.Query(Instant.parse("2024-05-01T10:00:01.5Z"),
                        Instant.parse("2024-05-01T10:00:02.1Z"), -1)));
        assertEquals(5, read(log, ContainerLog.Query.all()).size());
    }

    @Test
    void tailTakesTheLastRecordsBeforeTheTimeFilter() throws IOException {
        Path log = Files.writeString(dir.resolve("container.log"), LOG);
        assertEquals(List.of("stdout:ee/", "stdout:four/"), read(log,
                new ContainerLog.Query(null, null, 2)));
        assertEquals(List.of("stdout:four/"), read(log, new ContainerLog.Query(
                Instant.parse("2024-05-01T10:00:02.5Z"), null, 2)));
        assertEquals(List.of(), read(log, new ContainerLog.Query(null, null, 0)));
    }

    @Test
    void aHalfWrittenLastLineWaitsForTheFollow() throws Exception {
        Path log = Files.writeString(dir.resolve("container.log"),
                "2024-05-01T10:00:00Z stdout F one\n2024-05-01T10:00:01Z stdout F tw");
        List<String> seen = new ArrayList<>();
        ContainerLog.Position offset = ContainerLog.read(log, ContainerLog.Query.all(),
                e -> seen.add(e.content()));
        assertEquals(List.of("one"), seen);
        AtomicInteger polls = new AtomicInteger();
        ContainerLog.follow(log, offset, ContainerLog.Query.all(), () -> {
            if (polls.incrementAndGet() == 2) {
                append(log, "o\n2024-05-01T10:00:02Z stderr F three\n");
            }
            return polls.get() < 3;
        }, e -> seen.add(e.content()));
        assertEquals(List.of("one", "two", "three"), seen);
    }

    @Test
    void aFollowEndsAtItsUntil() throws Exception {
        Path log = Files.writeString(dir.resolve("container.log"), LOG);
        List<String> seen = new ArrayList<>();
        ContainerLog.Query query = new ContainerLog.Query(null,
                Instant.parse("2024-05-01T10:00:01.5Z"), -1);
        ContainerLog.follow(log, new ContainerLog.Position(null, 0), query, () -> true,
                e -> seen.add(e.content()));
        assertEquals(List.of("one", "two"), seen, "ends though the container still runs");
    }

    @Test
    void readTakesTheRotatedFilesOldestFirstAndTailSpansThem() throws IOException {
        Files.writeString(dir.resolve("container.log.2"), "2024-05-01T10:00:00Z stdout F a\n");
        Files.writeString(dir.resolve("container.log.1"), "2024-05-01T10:00:01Z stderr F b\n"
                + "2024-05-01T10:00:02Z stdout F c\n");
        Path log = Files.writeString(dir.resolve("container.log"),
                "2024-05-01T10:00:03Z stdout F d\n");
        Files.writeString(dir.resolve("container.log.4"), "2024-05-01T09:00:00Z stdout F x\n");
        assertEquals(List.of(dir.resolve("container.log.2"), dir.resolve("container.log.1"),
                log), ContainerLog.files(log), "a gap ends the rotated files");
        assertEquals(List.of("stdout:a/", "stderr:b/", "stdout:c/", "stdout:d/"),
                read(log, ContainerLog.Query.all()));
        assertEquals(List.of("stdout:c/", "stdout:d/"), read(log,
                new ContainerLog.Query(null, null, 2)));
        assertEquals(List.of("stderr:b/", "stdout:c/"), read(log, new ContainerLog.Query(
                Instant.parse("2024-05-01T10:00:01Z"), Instant.parse("2024-05-01T10:00:02Z"),
                -1)), "since and until reach into the rotated files");
    }

    @Test
    void aFollowReadsARotatedFileToItsEndThenGoesOnWithTheNewOne() throws Exception {
        Path log = Files.writeString(dir.resolve("container.log"),
                "2024-05-01T10:00:00Z stdout F one\n");
        List<String> seen = new ArrayList<>();
        ContainerLog.Position end = ContainerLog.read(log, ContainerLog.Query.all(),
                e -> seen.add(e.content()));
        AtomicInteger polls = new AtomicInteger();
        ContainerLog.follow(log, end, ContainerLog.Query.all(), () -> {
            switch (polls.incrementAndGet()) {
                case 2 -> {
                    append(log, "2024-05-01T10:00:01Z stdout F two\n");
                    rename(log, dir.resolve("container.log.1"));
                    write(log, "2024-05-01T10:00:02Z stderr F three\n");
                }
                case 3 -> {
                    // Two rotations between polls: the follow must not skip the middle file.
                    append(log, "2024-05-01T10:00:03Z stdout F four\n");
                    rename(dir.resolve("container.log.1"), dir.resolve("container.log.2"));
                    rename(log, dir.resolve("container.log.1"));
                    write(log, "2024-05-01T10:00:04Z stdout F five\n");
                    rename(dir.resolve("container.log.1"), dir.resolve("container.log.2"));
                    rename(log, dir.resolve("container.log.1"));
                    write(log, "2024-05-01T10:00:05Z stdout F six\n");
                }
                default -> { }
            }
            return polls.get() < 4;
        }, e -> seen.add(e.content()));
        assertEquals(List.of("one", "two", "three", "four", "five", "six"), seen);
    }

    @Test
    void aFollowFinishesAnUnlinkedFullLogBeforeTheNewOne() throws Exception {
        Path log = Files.writeString(dir.resolve("container.log"),
                "2024-05-01T10:00:00Z stdout F one\n");
        List<String> seen = new ArrayList<>();
        AtomicInteger polls = new AtomicInteger();
        ContainerLog.follow(log, new ContainerLog.Position(ContainerLog.fileKey(log), 0),
                ContainerLog.Query.all(), () -> {
                    if (polls.incrementAndGet() == 2) {
                        append(log, "2024-05-01T10:00:01Z stdout F two\n");
                        try {
                            Files.delete(log);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        write(log, "2024-05-01T10:00:02Z stdout F three\n");
                    }
                    return polls.get() < 3;
                }, e -> seen.add(e.content()));
        assertEquals(List.of("one", "two", "three"), seen);
    }

    private static void rename(Path from, Path to) {
        try {
            Files.move(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(Path log, String text) {
        try {
            Files.writeString(log, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void linesThatAreNoRecordsAreSkipped() {
        assertTrue(ContainerLog.parse("garbage").isEmpty());
        assertTrue(ContainerLog.parse("notatime stdout F x").isEmpty());
        assertEquals("", ContainerLog.parse("2024-05-01T10:00:00Z stdout F").get().content());
    }

    private static void append(Path log, String text) {
        try {
            Files.writeString(log, text, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
