package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** run --log-opt max-size/max-file: the monitor rotates, logs reads the files in order. */
@Tag("privileged")
class LogRotationTest {
    private static BerthCli berth;

    @BeforeAll
    static void loadBusybox() {
        berth = BerthCli.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    private static Path logPath(String name) {
        return Path.of(berth.run("inspect", "--format", "{{.LogPath}}", name).line());
    }

    private static List<Integer> numbers(String text, String prefix) {
        return text.lines().map(l -> {
            assertTrue(l.startsWith(prefix), l);
            return Integer.parseInt(l.substring(prefix.length()));
        }).toList();
    }

    private static void assertConsecutiveUpTo(List<Integer> numbers, int last) {
        assertFalse(numbers.isEmpty());
        assertEquals(last, numbers.getLast(), numbers.toString());
        assertEquals(IntStream.rangeClosed(numbers.getFirst(), last).boxed().toList(), numbers);
    }

    @Test
    void theLogIsRotatedIntoMaxFileFilesOfAtMostMaxSizeAndReadInOrder() throws IOException {
        BerthCli.Result run = berth.run("run", "--name", "chatty", "--log-opt", "max-size=1k",
                "--log-opt", "max-file=3", "busybox", "sh", "-c",
                "for i in $(seq 1 300); do echo out$i; done; sleep 0.3; echo err1 >&2; "
                        + "sleep 0.1; echo out301");
        assertEquals(0, run.code(), run.err());
        Path log = logPath("chatty");
        assertTrue(Files.size(log) <= 1000, "holds " + Files.size(log));
        for (String name : List.of(".1", ".2")) {
            Path file = log.resolveSibling(log.getFileName() + name);
            assertTrue(Files.size(file) <= 1000 && Files.size(file) > 900,
                    file + " holds " + Files.size(file));
        }
        assertFalse(Files.exists(log.resolveSibling(log.getFileName() + ".3")));

        BerthCli.Result logs = berth.run("logs", "chatty");
        List<Integer> out = numbers(logs.out(), "out");
        assertConsecutiveUpTo(out, 301);
        assertTrue(out.size() < 80, "older lines were dropped: " + out.size());
        assertEquals("err1\n", logs.err(), "stderr stays apart from stdout");

        BerthCli.Result tail = berth.run("logs", "--tail", "3", "chatty");
        assertEquals("out300\nout301\n", tail.out());
        assertEquals("err1\n", tail.err());
        assertEquals("{\"Type\":\"json-file\",\"Config\":{\"max-file\":\"3\",\"max-size\":\"1k\"}}",
                berth.run("inspect", "--format", "{{json .HostConfig.LogConfig}}", "chatty")
                        .line());
        berth.run("rm", "chatty");
    }

    @Test
    void withOneFileTheFullLogIsCut() throws IOException {
        assertEquals(0, berth.run("run", "--name", "cut", "--log-opt", "max-size=2k",
                "busybox", "sh", "-c", "for i in $(seq 1 200); do echo line$i; done").code());
        Path log = logPath("cut");
        assertTrue(Files.size(log) <= 2000, "holds " + Files.size(log));
        assertFalse(Files.exists(log.resolveSibling(log.getFileName() + ".1")));
        List<Integer> kept = numbers(berth.run("logs", "cut").out(), "line");
        assertConsecutiveUpTo(kept, 200);
        assertTrue(kept.size() < 60, "kept " + kept.size());
        berth.run("rm", "cut");
    }

    @Test
    void aFollowGoesOnAcrossRotationsAndMissesNothing() {
        assertEquals(0, berth.run("run", "-d", "--name", "steady", "--log-opt", "max-size=1k",
                "--log-opt", "max-file=2", "busybox", "sh", "-c",
                "sleep 2; for i in $(seq 1 80); do echo line$i; sleep 0.03; done").code());
        BerthCli.Result followed = berth.run("logs", "-f", "steady");
        assertEquals(0, followed.code(), followed.err());
        assertEquals(IntStream.rangeClosed(1, 80).boxed().toList(),
                numbers(followed.out(), "line"));
        assertTrue(Files.exists(logPath("steady").resolveSibling("container.log.1")),
                "the log was rotated while followed");
        berth.run("rm", "steady");
    }

    @Test
    void badLogOptionsAreRefusedAtCreateAndLeaveNothingBehind() throws IOException {
        BerthCli.Result bad = berth.run("run", "--name", "bad", "--log-opt", "max-size=ten",
                "busybox", "true");
        assertEquals(125, bad.code());
        assertEquals("", bad.out());
        assertTrue(bad.err().lines().count() == 1 && bad.err().contains(
                "invalid size: 'ten'"), bad.err());
        BerthCli.Result zero = berth.run("create", "--log-opt", "max-size=1k", "--log-opt",
                "max-file=0", "busybox", "true");
        assertEquals(125, zero.code());
        assertTrue(zero.err().contains("max-file cannot be less than 1"), zero.err());
        BerthCli.Result unknown = berth.run("create", "--log-opt", "maxsize=1k", "busybox");
        assertEquals(125, unknown.code());
        assertTrue(unknown.err().contains("unknown log opt 'maxsize' for json-file log driver"),
                unknown.err());
        assertEquals("", berth.run("ps", "-a", "-q").out());
        try (var left = Files.list(berth.root.resolve("containers"))) {
            assertEquals(0, left.count(), "no container folder left");
        }
    }

    @Test
    void theNoneDriverKeepsNoLog() {
        assertEquals(0, berth.run("run", "--name", "mute", "--log-driver", "none", "busybox",
                "echo", "hi").code());
        assertEquals("", berth.run("inspect", "--format", "{{.LogPath}}", "mute").line());
        assertFalse(Files.exists(berth.root.resolve("containers").resolve(berth.run("inspect",
                "--format", "{{.Id}}", "mute").line()).resolve("container.log")));
        BerthCli.Result logs = berth.run("logs", "mute");
        assertEquals(1, logs.code());
        assertEquals("Error: configured logging driver does not support reading\n",
                logs.err());
        berth.run("rm", "mute");
    }
}
