package io.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.sys.Sys;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Exec into real running busybox containers, through the real shim. */
@Tag("privileged")
class ExecTest {
    private Path work;
    private Path stateRoot;
    private TestBundle bundle;
    private OciRuntime runtime;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createTempDirectory("berth-exec-test");
        TestBundle.open(work);
        stateRoot = work.resolve("state");
        bundle = new TestBundle(work.resolve("bundle"));
        runtime = new OciRuntime(stateRoot, OciRuntime.defaultShim(), new TestCgroups(),
                Sys.linux());
    }

    @AfterAll
    static void removeCgroupParents() {
        TestCgroups.removeMadeParents();
    }

    @AfterEach
    void tearDown() throws IOException {
        TestBundle.cleanUp(runtime, bundle, work);
    }

    /** A running container whose process sleeps. */
    private long running() throws Exception {
        bundle.args("sleep", "1000");
        long pid = runtime.create("c1", bundle.write(), CreateOptions.defaults()).pid();
        runtime.start("c1");
        return pid;
    }

    private static ExecSpec sh(String script) {
        return ExecSpec.of(List.of("sh", "-c", script));
    }

    /** Runs an exec to its end: its stdout and stderr, and its exit code under "exit". */
    private Map<String, String> run(ExecSpec spec) throws Exception {
        try (ExecSession session = runtime.exec("c1", spec)) {
            Map<Integer, String> frames = readFrames(session.attachment());
            return Map.of("out", frames.get(1), "err", frames.get(2),
                    "exit", Integer.toString(session.awaitExit().exitCode()));
        }
    }

    @Test
    void anExecJoinsEveryNamespaceOfTheContainer() throws Exception {
        long pid = running();
        List<String> kinds = List.of("mnt", "uts", "ipc", "pid", "net", "cgroup");
        Map<String, String> result = run(sh("for k in " + String.join(" ", kinds)
                + "; do readlink /proc/self/ns/$k; done; hostname; echo $$"));
        assertEquals("0", result.get("exit"), result.get("err"));
        List<String> lines = result.get("out").lines().toList();
        for (int i = 0; i < kinds.size(); i++) {
            Path ns = Path.of("/proc", Long.toString(pid), "ns", kinds.get(i));
            assertEquals(Files.readSymbolicLink(ns).toString(), lines.get(i), kinds.get(i));
        }
        assertEquals("berth-test", lines.get(kinds.size()));
        assertTrue(Long.parseLong(lines.get(kinds.size() + 1)) > 1, "a pid of the container's");
    }

    @Test
    void anExecSeesTheContainersTimeNamespaceClocks() throws Exception {
        ObjectNode linux = bundle.config.withObject("/linux");
        ((ArrayNode) linux.get("namespaces")).addObject().put("type", "time");
        linux.putObject("timeOffsets").putObject("boottime").put("secs", 1_000_000)
                .put("nanosecs", 0);
        long pid = running();
        Map<String, String> result = run(sh("cut -d. -f1 /proc/uptime; "
                + "readlink /proc/self/ns/time"));
        List<String> lines = result.get("out").lines().toList();
        assertTrue(Long.parseLong(lines.get(0)) >= 1_000_000, result.toString());
        assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/time")).toString(),
                lines.get(1));
    }

    @Test
    void anExecRunsInTheContainersCgroupAndCanBeKilled() throws Exception {
        running();
        try (ExecSession session = runtime.exec("c1", ExecSpec.of(List.of("sleep", "100"))
                .detached())) {
            List<String> procs = Files.readAllLines(TestCgroups.dir("pids", bundle.cgroupsPath)
                    .resolve("cgroup.procs"));
            assertTrue(procs.contains(Long.toString(session.pid())), procs.toString());
            Path monitorExe = Path.of("/proc", Long.toString(session.monitorPid()), "exe");
            assertTrue(Files.readSymbolicLink(monitorExe).toString()
                    .startsWith("/memfd:berth-shim"), "the exec's monitor runs a sealed copy");
            assertTrue(session.kill(9));
            assertEquals(137, session.awaitExit().exitCode());
            assertFalse(session.kill(9), "an exited exec is not signalled");
            assertEquals(137, runtime.execExitStatus("c1", session.execId()).orElseThrow()
                    .exitCode());
        }
    }

    @Test
    void anExecsExitCodeAndStreamsAreItsOwn() throws Exception {
        running();
        Map<String, String> result = run(sh("echo out; echo err >&2; exit 5"));
        assertEquals(Map.of("out", "out\n", "err", "err\n", "exit", "5"), result);
    }

    @Test
    void anExecTakesTheContainersUserEnvAndCwdUnlessToldOtherwise() throws Exception {
        bundle.config.withObject("/process").put("cwd", "/tmp");
        running();
        assertEquals("0 /tmp xterm\n", run(sh("echo $(id -u) $PWD $TERM")).get("out"));
        ExecSpec other = sh("echo $(id -u):$(id -g) $PWD $FOO").withUser(1000, 1000)
                .withEnvAndCwd(List.of("FOO=bar", "PATH=/bin"), "/etc");
        assertEquals("1000:1000 /etc bar\n", run(other).get("out"));
    }

    @Test
    void stdinReachesAnExecUntilItCloses() throws Exception {
        running();
        try (ExecSession session = runtime.exec("c1", ExecSpec.of(List.of("tr", "a-z", "A-Z"))
                .withStdin())) {
            session.attachment().stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
            session.attachment().stdin().close();
            assertEquals("HELLO\n", readFrames(session.attachment()).get(1));
            assertEquals(0, session.awaitExit().exitCode());
        }
    }

    @Test
    void aTtyExecHasAPtyOfTheGivenSizeThatCanBeResized() throws Exception {
        running();
        ExecSpec spec = sh("tty; stty size; read x; stty size").withTty(25, 90).withStdin();
        try (ExecSession session = runtime.exec("c1", spec)) {
            readUntil(session.attachment(), "25 90");
            session.resize(40, 120);
            session.attachment().stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            String out = readFrames(session.attachment()).get(1);
            assertTrue(out.contains("40 120"), out);
            assertEquals(0, session.awaitExit().exitCode());
        }
    }

    @Test
    void anExecOfAMissingCommandFailsWith127AndLeavesNoExecBehind() throws Exception {
        running();
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> runtime.exec("c1", ExecSpec.of(List.of("nosuch"))));
        assertEquals(127, e.exitCode());
        assertEquals("exec: \"nosuch\": executable file not found in $PATH", e.getMessage());
        ContainerStartException notExecutable = assertThrows(ContainerStartException.class,
                () -> runtime.exec("c1", ExecSpec.of(List.of("/etc/passwd"))));
        assertEquals(126, notExecutable.exitCode());
        Path execs = stateRoot.resolve("c1").resolve("exec");
        try (Stream<Path> left = Files.list(execs)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void anExecInAUserNamespaceIsMappedAsTheContainer() throws Exception {
        TestBundle.run("chown", "-R", "100000:100000", bundle.rootfs.toString());
        bundle.withUserNamespace(100000, 65536);
        long pid = running();
        try (ExecSession session = runtime.exec("c1", sh("id -u; read x; true").withStdin())) {
            readUntil(session.attachment(), "0\n");
            String map = Files.readString(Path.of("/proc", Long.toString(session.pid()),
                    "uid_map"));
            assertEquals(List.of("0", "100000", "65536"), List.of(map.trim().split("\\s+")));
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/user")),
                    Files.readSymbolicLink(Path.of("/proc/" + session.pid() + "/ns/user")));
            session.attachment().stdin().close();
            assertEquals(0, session.awaitExit().exitCode());
        }
    }

    @Test
    void anExecNeedsARunningContainer() throws Exception {
        bundle.args("true");
        runtime.create("c1", bundle.write(), CreateOptions.defaults());
        assertThrows(ContainerStateException.class,
                () -> runtime.exec("c1", ExecSpec.of(List.of("true"))));
        runtime.start("c1");
        runtime.await("c1");
        assertThrows(ContainerStateException.class,
                () -> runtime.exec("c1", ExecSpec.of(List.of("true"))));
    }

    @Test
    void anExecOfTrueTakesFewMilliseconds() throws Exception {
        running();
        run(ExecSpec.of(List.of("true"))); // warm: the reaper is started
        int rounds = 20;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            assertEquals("0", run(ExecSpec.of(List.of("true"))).get("exit"));
        }
        double ms = (System.nanoTime() - start) / 1e6 / rounds;
        System.out.printf("exec of true, shim and runtime: %.2f ms each%n", ms);
        assertTrue(ms < 100, ms + " ms");
    }

    /** Reads frames until their text holds the marker. */
    static void readUntil(Attachment attachment, String marker) throws IOException {
        DataInputStream in = new DataInputStream(attachment.output());
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(marker)) {
            byte[] header = new byte[8];
            in.readFully(header);
            byte[] payload = new byte[((header[6] & 0xff) << 8) | (header[7] & 0xff)];
            in.readFully(payload);
            seen.append(new String(payload, StandardCharsets.UTF_8));
        }
    }

    /** Reads Docker frames to EOF: stream number to the text it carried. */
    static Map<Integer, String> readFrames(Attachment attachment) throws IOException {
        DataInputStream in = new DataInputStream(attachment.output());
        ByteArrayOutputStream[] streams = {null, new ByteArrayOutputStream(),
                new ByteArrayOutputStream()};
        while (true) {
            byte[] header = new byte[8];
            try {
                in.readFully(header);
            } catch (EOFException e) {
                break;
            }
            int size = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16)
                    | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            byte[] payload = new byte[size];
            in.readFully(payload);
            streams[header[0]].write(payload);
        }
        return Map.of(1, streams[1].toString(StandardCharsets.UTF_8),
                2, streams[2].toString(StandardCharsets.UTF_8));
    }
}
