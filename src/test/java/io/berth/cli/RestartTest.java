package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** berth restart and berth container restart, on real containers. */
@Tag("privileged")
class RestartTest {
    /** Says when it starts and when it gets TERM, so the logs tell each run apart. */
    private static final String POLITE = "trap 'echo got TERM; exit 0' TERM; echo started; "
            + "while true; do sleep 0.1; done";

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

    private static String inspect(String format, String name) {
        return berth.run("inspect", "--format", format, name).line();
    }

    private static long count(String text, String line) {
        return text.lines().filter(line::equals).count();
    }

    @Test
    void restartSendsTheStopSignalThenStartsANewProcessAndPrintsTheName() {
        assertEquals(0, berth.run("run", "-d", "--name", "polite", "busybox", "sh", "-c",
                POLITE).code());
        String before = inspect("{{.State.Pid}}", "polite");

        BerthCli.Result r = berth.run("restart", "-t", "5", "polite");
        assertEquals(0, r.code(), r.err());
        assertEquals("polite\n", r.out());
        assertEquals("running 0", inspect("{{.State.Status}} {{.RestartCount}}", "polite"));
        assertNotEquals(before, inspect("{{.State.Pid}}", "polite"));
        assertEquals("started\ngot TERM\nstarted\n", awaitLogLines("polite", 3));
        berth.run("rm", "-f", "polite");
    }

    @Test
    void restartKillsAProcessThatIgnoresTheSignalOnceTheTimeIsUp() {
        assertEquals(0, berth.run("run", "-d", "--name", "deaf", "busybox", "sh", "-c",
                "trap '' TERM; echo started; while true; do sleep 0.1; done").code());
        long t0 = System.nanoTime();
        BerthCli.Result r = berth.run("container", "restart", "--time", "1", "deaf");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.code(), r.err());
        assertEquals("deaf\n", r.out());
        assertTrue(millis >= 1000 && millis < 8000, "took " + millis + " ms");
        assertEquals("running", inspect("{{.State.Status}}", "deaf"));
        assertEquals("started\nstarted\n", awaitLogLines("deaf", 2));
        berth.run("rm", "-f", "deaf");
    }

    @Test
    void restartAndStopSendTheSignalAskedForInsteadOfTheStopSignal() {
        assertEquals(0, berth.run("run", "-d", "--name", "hup", "busybox", "sh", "-c",
                "trap 'echo got HUP; exit 0' HUP; trap 'echo got TERM; exit 0' TERM; "
                        + "echo started; while true; do sleep 0.1; done").code());
        awaitLogLines("hup", 1);
        BerthCli.Result r = berth.run("restart", "--signal", "SIGHUP", "-t", "5", "hup");
        assertEquals(0, r.code(), r.err());
        assertEquals("started\ngot HUP\nstarted\n", awaitLogLines("hup", 3));

        assertEquals(0, berth.run("stop", "-s", "HUP", "hup").code());
        assertEquals("exited 0", inspect("{{.State.Status}} {{.State.ExitCode}}", "hup"));
        assertEquals("started\ngot HUP\nstarted\ngot HUP\n", awaitLogLines("hup", 4));

        BerthCli.Result bad = berth.run("restart", "-s", "NOPE", "hup");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("Error: ") && bad.err().contains("NOPE"), bad.err());
        berth.run("rm", "-f", "hup");
    }

    @Test
    void restartThawsAPausedContainerSoItCanStop() {
        assertEquals(0, berth.run("run", "-d", "--name", "frozen", "busybox", "sh", "-c",
                POLITE).code());
        awaitLogLines("frozen", 1);
        assertEquals(0, berth.run("pause", "frozen").code());
        BerthCli.Result r = berth.run("restart", "-t", "5", "frozen");
        assertEquals(0, r.code(), r.err());
        assertEquals("running", inspect("{{.State.Status}}", "frozen"));
        assertEquals("started\ngot TERM\nstarted\n", awaitLogLines("frozen", 3));
        berth.run("rm", "-f", "frozen");
    }

    @Test
    void anAutoRemovedContainerLivesOnThroughARestartAndIsRemovedWhenItStops()
            throws InterruptedException {
        assertEquals(0, berth.run("run", "-d", "--rm", "--name", "brief", "busybox", "sh",
                "-c", POLITE).code());
        awaitLogLines("brief", 1);
        BerthCli.Result r = berth.run("restart", "-t", "5", "brief");
        assertEquals(0, r.code(), r.err());
        Thread.sleep(1500); // the first run's exit command has come and gone
        assertEquals("running true", inspect("{{.State.Status}} {{.HostConfig.AutoRemove}}",
                "brief"));
        assertEquals(0, berth.run("stop", "brief").code());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (berth.run("inspect", "brief").code() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, berth.run("inspect", "brief").code(), "--rm still holds");
    }

    @Test
    void restartStartsAContainerThatIsNotRunning() {
        assertEquals(0, berth.run("create", "--name", "idle", "busybox", "sh", "-c",
                POLITE).code());
        BerthCli.Result r = berth.run("restart", "idle");
        assertEquals(0, r.code(), r.err());
        assertEquals("idle\n", r.out());
        assertEquals("running", inspect("{{.State.Status}}", "idle"));
        berth.run("rm", "-f", "idle");
    }

    @Test
    void aManualRestartIsNotCountedAndThePolicyDoesNotStartTheContainerTwice()
            throws InterruptedException {
        assertEquals(0, berth.run("run", "-d", "--restart", "always", "--name", "keeper",
                "busybox", "sh", "-c", POLITE).code());
        awaitLogLines("keeper", 1);
        assertEquals(0, berth.run("restart", "-t", "5", "keeper").code());
        String pid = inspect("{{.State.Pid}}", "keeper");

        // Long enough for the first run's exit command to apply the policy, were it to.
        Thread.sleep(3000);
        assertEquals("running 0 " + pid, inspect(
                "{{.State.Status}} {{.RestartCount}} {{.State.Pid}}", "keeper"));
        String logs = berth.run("logs", "keeper").out();
        assertEquals(2, count(logs, "started"), logs);
        assertEquals(1, count(logs, "got TERM"), logs);
        berth.run("rm", "-f", "keeper");
    }

    @Test
    void restartGoesOnPastAMissingContainerAndFailsAtTheEnd() {
        assertEquals(0, berth.run("run", "-d", "--name", "there", "busybox", "sleep", "600")
                .code());
        BerthCli.Result r = berth.run("restart", "-t", "0", "nothere", "there");
        assertEquals(1, r.code());
        assertEquals("there\n", r.out());
        assertEquals("Error: No such container: nothere\n", r.err());
        assertEquals("running", inspect("{{.State.Status}}", "there"));
        berth.run("rm", "-f", "there");
    }

    /** The container's logs once they hold n lines (5 s at most). */
    private static String awaitLogLines(String name, int n) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String out = berth.run("logs", name).out();
        while (out.lines().count() < n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            out = berth.run("logs", name).out();
        }
        return out;
    }
}
