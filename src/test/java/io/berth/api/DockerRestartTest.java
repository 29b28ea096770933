package io.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `docker restart` (POST /containers/{id}/restart?t=N) from the real docker CLI. */
@Tag("privileged")
class DockerRestartTest {
    private static ServiceUnderTest berth;

    @BeforeAll
    static void startServiceAndLoadBusybox() {
        berth = ServiceUnderTest.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    private static String inspect(String format, String name) {
        return berth.docker("inspect", "--format", format, name).line();
    }

    @Test
    void dockerRestartStopsWithinTheTimeThenRunsANewProcess() throws InterruptedException {
        assertEquals(0, berth.docker("run", "-d", "--restart", "always", "--name", "again",
                "busybox", "sh", "-c", "trap '' TERM; echo started; "
                        + "while true; do sleep 0.1; done").code());
        String before = inspect("{{.State.Pid}}", "again");

        long t0 = System.nanoTime();
        ServiceUnderTest.Result r = berth.docker("restart", "-t", "1", "again");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.code(), r.err());
        assertEquals("again", r.line());
        assertTrue(millis >= 1000 && millis < 8000, "took " + millis + " ms");

        String after = inspect("{{.State.Status}} {{.RestartCount}} {{.State.Pid}}", "again");
        assertTrue(after.startsWith("running 0 "), after);
        assertNotEquals(before, after.substring("running 0 ".length()));
        Thread.sleep(2000);
        assertEquals(after, inspect("{{.State.Status}} {{.RestartCount}} {{.State.Pid}}",
                "again"), "the restart policy did not start it a second time");
        assertEquals("started\nstarted\n", berth.docker("logs", "again").out());
        assertEquals(0, berth.docker("rm", "-f", "again").code());
    }

    @Test
    void dockerRestartSendsTheSignalAskedFor() throws InterruptedException {
        assertEquals(0, berth.docker("run", "-d", "--name", "hangup", "busybox", "sh", "-c",
                "trap 'echo got HUP; exit 0' HUP; echo started; while true; do sleep 0.1; done")
                .code());
        Thread.sleep(300);
        ServiceUnderTest.Result r = berth.docker("restart", "--signal", "HUP", "hangup");
        assertEquals(0, r.code(), r.err());
        assertEquals("hangup", r.line());
        long deadline = System.nanoTime() + 5_000_000_000L;
        String logs = berth.docker("logs", "hangup").out();
        while (!logs.equals("started\ngot HUP\nstarted\n") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            logs = berth.docker("logs", "hangup").out();
        }
        assertEquals("started\ngot HUP\nstarted\n", logs);
        assertEquals(0, berth.docker("rm", "-f", "hangup").code());
    }

    @Test
    void dockerSystemPruneRemovesStoppedContainersAndUnusedNetworks() {
        String stopped = berth.docker("create", "busybox", "true").line();
        assertEquals(0, berth.docker("network", "create", "unused").code());
        ServiceUnderTest.Result r = berth.docker("system", "prune", "-f");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Deleted Containers:\n" + stopped + "\n\n"
                + "Deleted Networks:\nunused\n"), r.out());
        assertTrue(r.out().contains("Total reclaimed space: "), r.out());
        assertEquals(1, berth.docker("inspect", stopped).code());
    }

    @Test
    void dockerRestartOfAnUnknownContainerFails() {
        ServiceUnderTest.Result r = berth.docker("restart", "nosuch");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("No such container: nosuch"), r.err());
    }
}
