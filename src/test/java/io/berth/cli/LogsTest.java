package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** berth logs with --since, --until, --tail, -t and -f, on real containers. */
@Tag("privileged")
class LogsTest {
    private static BerthCli berth;

    @BeforeAll
    static void start() {
        berth = BerthCli.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    @Test
    void sinceAndUntilTakeTimesTimestampsAndDurations() {
        assertEquals(0, berth.run("run", "--name", "slow", "busybox", "sh", "-c",
                "echo first; sleep 1.2; echo second >&2; sleep 0.2; echo third").code());
        String[] stamped = berth.run("logs", "-t", "slow").out().split("\n");
        assertEquals(2, stamped.length, "first and third on stdout");
        String firstTime = stamped[0].split(" ")[0];
        String thirdTime = stamped[1].split(" ")[0];

        BerthCli.Result since = berth.run("logs", "--since", thirdTime, "slow");
        assertEquals("third\n", since.out());
        assertEquals("", since.err(), "second was written before third");
        assertEquals("first\n", berth.run("logs", "--until", firstTime, "slow").out());

        Instant third = Instant.parse(thirdTime);
        BerthCli.Result unix = berth.run("logs", "--since", third.getEpochSecond() + "."
                + String.format("%09d", third.getNano()), "slow");
        assertEquals("third\n", unix.out());
        assertEquals("", unix.err());
        long afterFirst = Instant.parse(firstTime).getEpochSecond() + 1;
        BerthCli.Result whole = berth.run("logs", "--until", Long.toString(afterFirst), "slow");
        assertEquals("first\n", whole.out(), "second came 1.2 s after first");
        assertEquals("", whole.err());

        assertEquals("first\nthird\n", berth.run("logs", "--since", "10m", "slow").out());
        assertEquals("", berth.run("logs", "--until", "10m", "slow").out());
        assertEquals("third\n", berth.run("logs", "--tail", "1", "slow").out());

        BerthCli.Result bad = berth.run("logs", "--since", "yesterday", "slow");
        assertEquals(1, bad.code());
        assertEquals("Error: invalid value for \"since\": failed to parse value as time or "
                + "duration: \"yesterday\"\n", bad.err());
        berth.run("rm", "slow");
    }

    @Test
    void followPrintsWhatComesAndEndsWhenTheContainerExits() {
        assertEquals(0, berth.run("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
                "echo a; sleep 4; echo b; sleep 1; echo c").code());
        Instant followFrom = Instant.now();
        BerthCli.Result followed = berth.run("logs", "-f", "ticker");
        assertEquals(0, followed.code(), followed.err());
        assertEquals("a\nb\nc\n", followed.out());
        String[] stamped = berth.run("logs", "-t", "ticker").out().split("\n");
        assertTrue(Instant.parse(stamped[1].split(" ")[0]).isAfter(followFrom),
                "b came while the follow was waiting for it");
        assertEquals("a\nb\nc\n", berth.run("logs", "-f", "ticker").out(),
                "an exited container's follow ends at once");
        berth.run("rm", "ticker");
    }

    @Test
    void followEndsAtItsUntilWhileTheContainerRuns() {
        assertEquals(0, berth.run("run", "-d", "--name", "forever", "busybox", "sh", "-c",
                "echo up; sleep 600").code());
        String until = Instant.now().plusSeconds(1).toString();
        BerthCli.Result followed = berth.run("logs", "-f", "--until", until, "forever");
        assertEquals("up\n", followed.out());
        assertEquals("running", berth.run("inspect", "--format", "{{.State.Status}}",
                "forever").line());
        berth.run("rm", "-f", "forever");
    }
}
