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
        berth = BerthCli.withBusybox();
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
        assertEquals(126, berth.run("exec", "-u", "nosuchuser", "host1", "id").code());
        assertEquals(126, berth.run("exec", "-w", "/nonexistent", "host1", "pwd").code());
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
    void aPausedContainerIsKilledAndStoppedToo() {
        assertEquals(0, berth.run("run", "-d", "--name", "iced", "busybox", "sleep", "600")
                .code());
        assertEquals(0, berth.run("pause", "iced").code());
        assertEquals(new BerthCli.Result(0, "iced\n", ""), berth.run("kill", "iced"));
        assertEquals("137", berth.run("wait", "iced").line());
        assertEquals(0, berth.run("start", "iced").code());
        assertEquals(0, berth.run("pause", "iced").code());
        BerthCli.Result stop = berth.run("stop", "-t", "1", "iced");
        assertEquals(new BerthCli.Result(0, "iced\n", ""), stop);
        assertEquals("exited", berth.run("inspect", "--format", "{{.State.Status}}", "iced")
                .line());
        assertEquals(0, berth.run("rm", "iced").code());
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

    @Test
    void onFailureRestartsUpToItsLimitAndCountsThem() throws Exception {
        String id = berth.run("run", "-d", "--name", "flaky", "--restart", "on-failure:2",
                "busybox", "sh", "-c", "echo run; exit 3").line();
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline && !(berth.run("logs", "flaky").out()
                .equals("run\nrun\nrun\n") && berth.run("inspect", "--format",
                "{{.State.Status}}", "flaky").line().equals("exited"))) {
            Thread.sleep(200);
        }
        Thread.sleep(1000);
        assertEquals("2 exited 3", berth.run("inspect", "--format",
                "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}", "flaky").line());
        assertEquals("run\nrun\nrun\n", berth.run("logs", "flaky").out());
        berth.run("rm", "flaky");
        assertTrue(BerthCli.cgroups(id).isEmpty());
        assertEquals(125, berth.run("run", "--rm", "--restart", "always", "busybox", "true")
                .code(), "--rm and --restart conflict");
        assertEquals(125, berth.run("run", "--restart", "sometimes", "busybox", "true").code());
    }

    @Test
    void aStoppedAlwaysContainerStaysStopped() throws Exception {
        berth.run("run", "-d", "--name", "keeper", "--restart", "always", "busybox", "sleep",
                "600");
        assertEquals(0, berth.run("stop", "-t", "0", "keeper").code());
        Thread.sleep(1500);
        assertEquals("exited 0", berth.run("inspect", "--format",
                "{{.State.Status}} {{.RestartCount}}", "keeper").line());
        berth.run("rm", "keeper");
    }

    @Test
    void initReapsZombiesAndPassesTermToTheCommand() throws Exception {
        berth.run("run", "-d", "--name", "inited", "--init", "busybox", "sh", "-c",
                "sleep 0.2 & exec sleep 600");
        long pid = Long.parseLong(berth.run("inspect", "--format", "{{.State.Pid}}", "inited")
                .line());
        Thread.sleep(1000);
        String top = berth.run("top", "inited").out();
        assertTrue(top.contains("sleep 600"), top);
        assertFalse(top.contains("<defunct>"), "the init reaped the orphaned sleep: " + top);
        long start = System.currentTimeMillis();
        assertEquals(0, berth.run("stop", "-t", "10", "inited").code());
        assertTrue(System.currentTimeMillis() - start < 5000, "TERM reached sleep through init");
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + pid + "/exe")));
        berth.run("rm", "inited");
    }

    @Test
    void renameStatsAndPruneWorkAsDockers() {
        berth.run("run", "-d", "--name", "old", "busybox", "sleep", "600");
        assertEquals(0, berth.run("rename", "old", "new").code());
        assertEquals("/new", berth.run("inspect", "--format", "{{.Name}}", "new").line());
        String stats = berth.run("stats", "--no-stream", "--format",
                "{{.Name}} {{.PIDs}} {{.MemUsage}}", "new").line();
        assertTrue(stats.matches("new 1 [0-9.]+[KMG]?i?B / [0-9.]+[KMG]iB"), stats);
        berth.run("rm", "-f", "new");
        berth.run("create", "--name", "unused", "busybox", "true");
        BerthCli.Result prune = berth.run("container", "prune", "-f");
        assertTrue(prune.out().startsWith("Deleted Containers:"), prune.out());
        assertEquals(1, berth.run("inspect", "unused").code());
    }

    @Test
    void runItGivesTheCommandARealTerminalOfTheUsersSize() throws Exception {
        String screen = berth.runOnTerminal(33, 111, "run", "-it", "--rm", "busybox", "sh",
                "-c", "tty; stty size; test -t 0 && echo stdin-is-a-tty");
        assertTrue(screen.contains("/dev/pts/0"), screen);
        assertTrue(screen.contains("33 111"), screen);
        assertTrue(screen.contains("stdin-is-a-tty"), screen);
        assertEquals("", berth.run("ps", "-a", "-q").out(), "--rm removed it");
    }
}
