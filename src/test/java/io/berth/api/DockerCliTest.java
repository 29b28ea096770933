package io.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The real docker CLI 28 against the service, on a socket and root of this test's own. */
@Tag("privileged")
class DockerCliTest {
    private static ServiceUnderTest berth;

    @BeforeAll
    static void startServiceAndLoadBusybox() {
        berth = new ServiceUnderTest();
        ServiceUnderTest.Result load = berth.docker("load", "-i",
                ServiceUnderTest.fixtures().resolve("busybox-docker-archive.tar").toString());
        assertEquals(0, load.code(), load.err());
        assertEquals("Loaded image: busybox:latest", load.line());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    @Test
    void versionShowsTheServerAndItsApiVersion() {
        ServiceUnderTest.Result r = berth.docker("version", "--format",
                "{{.Server.Platform.Name}}: {{.Server.Version}} {{.Server.APIVersion}} "
                        + "{{.Client.APIVersion}}");
        assertEquals(0, r.code(), r.err());
        assertEquals("Berth 0.1.0-test: 25.0.0 1.44 1.44", r.line());
    }

    @Test
    void runRmPrintsTheOutputAndLeavesNoContainer() {
        ServiceUnderTest.Result r = berth.docker("run", "--rm", "busybox", "echo", "hi");
        assertEquals(0, r.code(), r.err());
        assertEquals("hi\n", r.out());
        assertEquals("", berth.docker("ps", "-a", "-q", "--filter", "status=exited").out());
    }

    @Test
    void runGivesTheContainersExitCodeAndKeepsStdoutAndStderrApart() {
        ServiceUnderTest.Result r = berth.docker("run", "--rm", "busybox", "sh", "-c",
                "echo out; echo err >&2; exit 3");
        assertEquals(3, r.code(), r.err());
        assertEquals("out\n", r.out());
        assertEquals("err\n", r.err());
    }

    @Test
    void aDetachedNamedContainerIsListedInspectedAndForceRemoved() throws Exception {
        ServiceUnderTest.Result run = berth.docker("run", "-d", "--name", "web", "busybox",
                "sleep", "600");
        assertEquals(0, run.code(), run.err());
        String id = run.line();
        assertTrue(id.matches("[0-9a-f]{64}"), id);

        ServiceUnderTest.Result ps = berth.docker("container", "ps");
        assertEquals(0, ps.code(), ps.err());
        String row = ps.out().lines().filter(l -> l.endsWith(" web")).findFirst().orElseThrow(
                () -> new AssertionError("web not listed:\n" + ps.out()));
        assertTrue(row.startsWith(id.substring(0, 12)), row);
        assertTrue(row.contains("\"sleep 600\"") && row.contains(" Up "), row);

        ServiceUnderTest.Result inspect = berth.docker("container", "inspect", "--format",
                "{{.State.Pid}}, {{.Name}}", "web");
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.line().matches("[1-9][0-9]*, /web"), inspect.line());
        long pid = Long.parseLong(inspect.line().split(",")[0]);
        assertEquals("sleep", Files.readString(Path.of("/proc/" + pid + "/comm")).strip());

        ServiceUnderTest.Result rm = berth.docker("rm", "-f", "web");
        assertEquals(0, rm.code(), rm.err());
        assertEquals("web", rm.line());
        assertFalse(Files.exists(Path.of("/proc/" + pid + "/comm"))
                && Files.readString(Path.of("/proc/" + pid + "/comm")).strip().equals("sleep"),
                "the container's process is gone");
        assertEquals(1, berth.docker("inspect", "web").code());
    }

    @Test
    void createThenStartAttachedRunsWithTheGivenEnvironmentAndExitCode() {
        ServiceUnderTest.Result create = berth.docker("create", "--name", "created1", "-e",
                "FOO=bar", "-w", "/tmp", "--label", "k=v", "busybox", "sh", "-c",
                "echo $FOO $(pwd); exit 2");
        assertEquals(0, create.code(), create.err());
        assertEquals("created", berth.docker("inspect", "--format", "{{.State.Status}}",
                "created1").line());

        ServiceUnderTest.Result start = berth.docker("start", "-a", "created1");
        assertEquals(2, start.code(), start.err());
        assertEquals("bar /tmp\n", start.out());
        assertEquals("exited 2 v", berth.docker("inspect", "--format",
                "{{.State.Status}} {{.State.ExitCode}} {{.Config.Labels.k}}", "created1")
                .line());
        assertEquals(0, berth.docker("rm", "created1").code());
    }

    @Test
    void logsGiveBothStreamsTimestampsAndTheTail() {
        ServiceUnderTest.Result run = berth.docker("run", "--name", "logger", "busybox", "sh",
                "-c", "echo out1; echo err1 >&2; sleep 0.2; echo out2");
        assertEquals(0, run.code(), run.err());

        ServiceUnderTest.Result logs = berth.docker("logs", "logger");
        assertEquals("out1\nout2\n", logs.out());
        assertEquals("err1\n", logs.err());

        ServiceUnderTest.Result tail = berth.docker("logs", "-t", "--tail", "1", "logger");
        assertTrue(tail.out().matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z out2\n"), tail.out());
        assertEquals(0, berth.docker("rm", "logger").code());
    }

    @Test
    void waitStopAndKillBehaveAsDockers() {
        assertEquals(0, berth.docker("run", "-d", "--name", "sleeper", "busybox", "sh", "-c",
                "sleep 1; exit 3").code());
        ServiceUnderTest.Result waited = berth.docker("wait", "sleeper");
        assertEquals("3", waited.line(), waited.err());

        assertEquals(0, berth.docker("run", "-d", "--name", "victim", "busybox", "sleep", "600")
                .code());
        assertEquals(0, berth.docker("kill", "victim").code());
        assertEquals("137", berth.docker("wait", "victim").line());

        assertEquals(0, berth.docker("start", "victim").code());
        ServiceUnderTest.Result stop = berth.docker("stop", "-t", "1", "victim");
        assertEquals(0, stop.code(), stop.err());
        assertEquals("exited", berth.docker("inspect", "--format", "{{.State.Status}}",
                "victim").line());
        assertEquals(0, berth.docker("rm", "sleeper", "victim").code());
    }

    @Test
    void errorsCarryDockersStatusesAndMessages() {
        ServiceUnderTest.Result missing = berth.docker("inspect", "nosuch");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("No such object: nosuch"), missing.err());

        assertEquals(0, berth.docker("run", "-d", "--name", "busy", "busybox", "sleep", "600")
                .code());
        ServiceUnderTest.Result conflict = berth.docker("run", "--name", "busy", "busybox",
                "true");
        assertEquals(125, conflict.code());
        assertTrue(conflict.err().contains("Error response from daemon"), conflict.err());

        ServiceUnderTest.Result running = berth.docker("rm", "busy");
        assertEquals(1, running.code());
        assertTrue(running.err().contains("You cannot remove a running container"),
                running.err());
        assertEquals(0, berth.docker("rm", "-f", "busy").code());
    }

    @Test
    void aShortIdPrefixNamesAContainer() {
        String id = berth.docker("create", "busybox", "true").line();
        assertEquals("/" + berth.docker("inspect", "--format", "{{.Name}}", id).line()
                .substring(1), berth.docker("inspect", "--format", "{{.Name}}",
                        id.substring(0, 12)).line());
        assertEquals(id, berth.docker("inspect", "--format", "{{.Id}}", id.substring(0, 7))
                .line());
        assertEquals(0, berth.docker("rm", id.substring(0, 12)).code());
    }
}
