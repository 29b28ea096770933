package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What people do with a container after `run`: exec, logs, pause, exits nobody watches. */
@Tag("privileged")
class LivingContainerTest {
    private static BerthCli berth;

    @BeforeAll
    static void start() {
        berth = new BerthCli();
        assertEquals(0, berth.run("load", "-i",
                BerthCli.fixtures().resolve("busybox-docker-archive.tar").toString()).code());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    @Test
    void execRunsInTheContainerWithItsFlagsAndReturnsTheCode() {
        berth.run("run", "-d", "--name", "host1", "-e", "FROM_RUN=1", "busybox", "sleep", "600");
        BerthCli.Result r = berth.run("exec", "-e", "FOO=bar", "-u", "nobody", "-w", "/tmp",
                "host1", "sh", "-c", "echo $FOO $FROM_RUN $(id -u) $PWD; hostname; exit 5");
        assertEquals(5, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("bar 1 65534 /tmp", lines[0]);
        String id = berth.run("inspect", "--format", "{{.Id}}", "host1").line();
        assertEquals(id.substring(0, 12), lines[1], "the exec is in the container's uts ns");
        assertEquals(127, berth.run("exec", "host1", "nosuch").code());
        assertEquals(126, berth.run("exec", "host1", "/etc/passwd").code());
        berth.run("rm", "-f", "host1");
        assertEquals(1, berth.run("exec", "host1", "true").code());
    }

    @Test
    void logsKeepStdoutAndStderrApart() {
        berth.run("run", "--name", "talker", "busybox", "sh", "-c", "echo out; echo err >&2");
        BerthCli.Result logs = berth.run("logs", "talker");
        assertEquals("out\n", logs.out());
        assertEquals("err\n", logs.err());
        assertTrue(berth.run("logs", "-t", "talker").out().matches(
                "\\d{4}-\\d\\d-\\d\\dT\\S+Z out\n"));
        berth.run("rm", "talker");
    }

    @Test
    void pauseFreezesAndPsShowsIt() {
        berth.run("run", "-d", "--name", "frozen", "busybox", "sleep", "600");
        assertEquals(0, berth.run("pause", "frozen").code());
        assertTrue(berth.run("ps", "--format", "{{.Names}} {{.Status}}").out().lines()
                .anyMatch(l -> l.startsWith("frozen Up ") && l.endsWith("(Paused)")));
        assertEquals("paused", berth.run("inspect", "--format", "{{.State.Status}}",
                "frozen").line());
        assertEquals(0, berth.run("unpause", "frozen").code());
        assertEquals("running", berth.run("inspect", "--format", "{{.State.Status}}",
                "frozen").line());
        berth.run("pause", "frozen");
        assertEquals(0, berth.run("rm", "-f", "frozen").code(), "a paused one is removed too");
    }

    @Test
    void aDetachedRmContainerIsRemovedWhenItExitsWithNoCliRunning() throws Exception {
        String id = berth.run("run", "-d", "--rm", "busybox", "sh", "-c", "sleep 1").line();
        String recorded = berth.run("run", "-d", "busybox", "sh", "-c", "exit 9").line();
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline
                && (berth.run("ps", "-a", "-q", "--no-trunc").out().contains(id)
                        || !BerthCli.cgroups(recorded).isEmpty())) {
            Thread.sleep(200);
        }
        assertFalse(berth.run("ps", "-a", "-q", "--no-trunc").out().contains(id));
        assertTrue(BerthCli.cgroups(id).isEmpty());
        assertTrue(BerthCli.cgroups(recorded).isEmpty(), "released by the exit command");
        assertEquals("exited 9", berth.run("inspect", "--format",
                "{{.State.Status}} {{.State.ExitCode}}", recorded).line());
        berth.run("rm", recorded);
    }
}
