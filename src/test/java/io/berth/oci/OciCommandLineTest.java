package io.berth.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code berth oci} as another engine drives it: each call a separate JVM (as runc is a separate
 * process), its stdout and stderr files of the test, on bundles from the busybox fixture.
 */
@Tag("privileged")
class OciCommandLineTest {
    private static final String LAYER =
            "770bdd23eef2ab503c845d042c91f9f5a650d0b41ca5f7a81e295bf2b57e0821/layer.tar";

    private Path work;
    private Path root;
    private Path bundle;
    private ObjectNode config;

    /** One finished call of the command line. */
    record Call(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createTempDirectory("berth-oci-test");
        open(work);
        root = work.resolve("root");
        bundle = work.resolve("bundle");
        Files.createDirectories(bundle.resolve("rootfs"));
        open(bundle);
        open(bundle.resolve("rootfs"));
        Path archive = Path.of(System.getProperty("berth.fixtures"),
                "busybox-docker-archive.tar");
        sh("tar -xOf '" + archive + "' " + LAYER + " | tar -x -C '" + bundle.resolve("rootfs")
                + "'");
        assertEquals(0, oci("spec", "--bundle", bundle.toString()).code());
        config = (ObjectNode) SpecJson.mapper().readTree(bundle.resolve("config.json").toFile());
        config.withObject("/linux").put("cgroupsPath", "/berth/oci-test-" + work.getFileName());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String id : oci("list", "-q").out().lines().toList()) {
            oci("delete", "--force", id);
        }
        String prefix = work.toRealPath().toString();
        List<String> leaks = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(prefix)).toList();
        assertEquals(List.of(), leaks, "mounts left under the test folder");
        // The reaper may still be removing its socket: a file gone meanwhile is no error.
        for (int attempt = 0; ; attempt++) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
                return;
            } catch (java.nio.file.NoSuchFileException
                    | java.nio.file.DirectoryNotEmptyException
                    | java.io.UncheckedIOException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static void open(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).inheritIO().start();
        assertEquals(0, p.waitFor(), script);
    }

    private void args(String... args) throws IOException {
        ArrayNode array = config.withObject("/process").putArray("args");
        for (String a : args) {
            array.add(a);
        }
        writeConfig();
    }

    private void writeConfig() throws IOException {
        Files.writeString(bundle.resolve("config.json"),
                SpecJson.mapper().writeValueAsString(config));
    }

    /** Runs `berth oci --root ROOT args...` in its own JVM, stdout and stderr to files. */
    private Call oci(String... args) throws Exception {
        List<String> words = new ArrayList<>(List.of("oci", "--root", root.toString()));
        words.addAll(List.of(args));
        return berth(words.toArray(String[]::new));
    }

    /** Runs `berth args...` in its own JVM, stdout and stderr to files. */
    private Call berth(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-Dberth.shim=" + System.getProperty("berth.shim"),
                "-cp", System.getProperty("java.class.path"), "io.berth.cli.Main"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                        Path.of("/dev/null").toFile())).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "berth oci " + String.join(" ", args));
        Call call = new Call(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return call;
    }

    private JsonNode state(String id) throws Exception {
        Call call = oci("state", id);
        assertEquals(0, call.code(), call.err());
        return SpecJson.mapper().readTree(call.out());
    }

    @Test
    void runHandsTheProcessTheCallersStdoutAndStderrAndExitsWithItsCode() throws Exception {
        args("sh", "-c", "echo out $$; echo err >&2; exit 3");
        Call call = oci("run", "--bundle", bundle.toString(), "r1");
        assertEquals(new Call(3, "out 1\n", "err\n"), call);
        assertEquals("", oci("list", "-q").out(), "run removes its container");
    }

    @Test
    void createWaitsForStartAndStateFollowsTheLifecycle() throws Exception {
        args("sh", "-c", "echo started; exec sleep 100");
        Path pidFile = work.resolve("pid");
        Call created = oci("create", "--bundle", bundle.toString(), "--pid-file",
                pidFile.toString(), "c1");
        assertEquals(0, created.code(), created.err());
        String pid = Files.readString(pidFile);
        assertTrue(pid.matches("[0-9]+"), "a pid without a newline: " + pid);

        JsonNode state = state("c1");
        assertEquals("created", state.get("status").asText());
        assertEquals(Long.parseLong(pid), state.get("pid").asLong());
        assertEquals(bundle.toString(), state.get("bundle").asText());
        assertEquals("1.2.0", state.get("ociVersion").asText());
        assertEquals(0, oci("start", "c1").code());
        assertEquals("running", state("c1").get("status").asText());
        assertEquals(1, oci("start", "c1").code(), "a second start fails");
        assertEquals(1, oci("delete", "c1").code(), "a running one needs --force");

        assertEquals(0, oci("kill", "c1", "KILL").code());
        awaitStatus("c1", "stopped");
        Call again = oci("kill", "c1", "SIGTERM");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("not running"), again.err());
        assertEquals(0, oci("delete", "c1").code());
        assertEquals("", oci("list", "-q").out());
        assertFalse(runs(pid), "the process is gone (or a zombie its reaper has yet to collect)");
    }

    /** Whether a process runs: a zombie does not. Who reaps an orphan is up to the host. */
    private static boolean runs(String pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private void awaitStatus(String id, String status) throws Exception {
        for (int i = 0; i < 100 && !state(id).get("status").asText().equals(status); i++) {
            Thread.sleep(20);
        }
        assertEquals(status, state(id).get("status").asText());
    }

    @Test
    void theCreatedProcessWritesToCreatesOwnStdout() throws Exception {
        args("sh", "-c", "echo from the container; echo to stderr >&2");
        Path out = work.resolve("create-out");
        sh("'" + ProcessHandle.current().info().command().orElseThrow()
                + "' --enable-native-access=ALL-UNNAMED -Dberth.shim=" + System.getProperty(
                        "berth.shim") + " -cp '" + System.getProperty("java.class.path")
                + "' io.berth.cli.Main oci --root " + root + " create --bundle " + bundle
                + " c1 >" + out + " 2>&1 </dev/null");
        assertEquals(0, oci("start", "c1").code());
        awaitStatus("c1", "stopped");
        assertEquals("from the container\nto stderr\n", Files.readString(out));
    }

    @Test
    void execRunsInTheContainerWithAddedEnvAndExitsWithItsCode() throws Exception {
        args("sleep", "100");
        assertEquals(0, oci("create", "--bundle", bundle.toString(), "c1").code());
        assertEquals(0, oci("start", "c1").code());
        Call exec = oci("exec", "-e", "WHO=exec", "c1", "sh", "-c",
                "echo $WHO $(hostname) $$; exit 4");
        assertEquals(new Call(4, "exec berth 2\n", ""), exec);
        Call ps = oci("ps", "--format", "json", "c1");
        assertEquals(1, SpecJson.mapper().readTree(ps.out()).size(), ps.out());
    }

    @Test
    void hooksGetTheStateOnStdinAtTheirMomentsAndInTheirNamespaces() throws Exception {
        Path record = work.resolve("hooks.log");
        ObjectNode hooks = config.putObject("hooks");
        for (String phase : List.of("createRuntime", "createContainer", "poststart",
                "poststop")) {
            hooks.putArray(phase).addObject().put("path", "/bin/sh").putArray("args")
                    .add("sh").add("-c").add("read s; echo " + phase + " $$ \"$s\" >> "
                            + record);
        }
        // Inside the container: its /bin/sh (busybox), its root.
        hooks.putArray("startContainer").addObject().put("path", "/bin/sh").putArray("args")
                .add("sh").add("-c").add("read s; echo \"$s\" > /start-state");
        config.withObject("/root").put("readonly", false);
        args("sleep", "100");
        assertEquals(0, oci("create", "--bundle", bundle.toString(), "c1").code());
        String pid = state("c1").get("pid").asText();
        assertEquals(0, oci("start", "c1").code());
        assertEquals(0, oci("delete", "--force", "c1").code());

        List<String[]> lines = Files.readAllLines(record).stream()
                .map(l -> l.split(" ", 3)).toList();
        assertEquals(List.of("createRuntime", "createContainer", "poststart", "poststop"),
                lines.stream().map(l -> l[0]).toList());
        assertEquals("2", lines.get(1)[1], "createContainer runs in the container's pid "
                + "namespace, forked by its pid 1");
        List<String> statuses = new ArrayList<>();
        for (String[] line : lines) {
            JsonNode state = SpecJson.mapper().readTree(line[2]);
            assertEquals("c1", state.get("id").asText());
            statuses.add(state.get("status").asText());
        }
        assertEquals(List.of("creating", "creating", "running", "stopped"), statuses);
        assertEquals(pid, SpecJson.mapper().readTree(SpecJson.mapper().readTree(
                lines.get(1)[2]).toString()).get("pid").asText());
        JsonNode started = SpecJson.mapper().readTree(
                Files.readString(bundle.resolve("rootfs/start-state")));
        assertEquals("created", started.get("status").asText());
        assertEquals(pid, started.get("pid").asText());
    }

    @Test
    void aFailingCreateContainerHookFailsCreateWithItsExitCode() throws Exception {
        config.putObject("hooks").putArray("createContainer").addObject()
                .put("path", "/bin/false");
        args("true");
        Call call = oci("create", "--bundle", bundle.toString(), "c1");
        assertEquals(1, call.code());
        assertTrue(call.err().contains("createContainer hook /bin/false: exited with 1"),
                call.err());
        assertEquals("", oci("list", "-q").out());
    }

    @Test
    void aFailingCreateRuntimeHookFailsCreateAndLeavesNothing() throws Exception {
        config.putObject("hooks").putArray("createRuntime").addObject().put("path", "/bin/sh")
                .put("timeout", 1).putArray("args").add("sh").add("-c").add("sleep 10");
        args("true");
        Call call = oci("--log", work.resolve("log.json").toString(), "--log-format", "json",
                "create", "--bundle", bundle.toString(), "c1");
        assertEquals(1, call.code());
        assertTrue(call.err().contains("createRuntime hook /bin/sh: timed out after 1s"),
                call.err());
        JsonNode logged = SpecJson.mapper().readTree(Files.readString(work.resolve("log.json")));
        assertEquals("error", logged.get("level").asText());
        assertTrue(logged.get("msg").asText().contains("timed out"));
        assertEquals("", oci("list", "-q").out());
    }

    @Test
    void aBadConfigIsRefusedNamingTheField() throws Exception {
        config.withObject("/process").putArray("args");
        writeConfig();
        Call call = oci("create", "--bundle", bundle.toString(), "c1");
        assertEquals(1, call.code());
        assertTrue(call.err().contains("process.args"), call.err());
    }

    @Test
    void specRefusesToOverwriteAndFeaturesListTheHooks() throws Exception {
        Call again = oci("spec", "--bundle", bundle.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("exists"), again.err());
        JsonNode features = SpecJson.mapper().readTree(oci("features").out());
        assertTrue(features.get("hooks").toString().contains("createRuntime"));
        assertTrue(features.at("/linux/seccomp/enabled").asBoolean());
    }

    @Test
    void berthsRunrootHoldsTheOciStateWhenOciHasNoRootOfItsOwn() throws Exception {
        writeConfig();
        Path runroot = work.resolve("rr");
        Call create = berth("--runroot", runroot.toString(), "oci", "create", "--bundle",
                bundle.toString(), "rr1");
        assertEquals(0, create.code(), create.err());
        try {
            assertTrue(Files.isRegularFile(runroot.resolve("oci/rr1/state.json")),
                    "state under the runroot");
            assertFalse(Files.exists(root.resolve("rr1")));
        } finally {
            assertEquals(0, berth("--runroot", runroot.toString(), "oci", "delete", "--force",
                    "rr1").code());
        }
        assertFalse(Files.exists(runroot.resolve("oci/rr1")));
    }

    @Test
    void everyVerbPrintsItsOwnHelpWithoutAnId() throws Exception {
        Call create = oci("create", "--help");
        assertEquals(0, create.code(), create.err());
        assertTrue(create.out().contains("--bundle=<bundle>"), create.out());
        assertTrue(create.out().contains("--pid-file=<pidFile>"), create.out());
        Call afterGlobals = berth("--runroot", work.resolve("rr").toString(), "oci", "create",
                "--help");
        assertEquals(0, afterGlobals.code(), afterGlobals.err());
        assertTrue(afterGlobals.out().contains("--bundle=<bundle>"), afterGlobals.out());
        Call kill = oci("kill", "-h");
        assertEquals(0, kill.code(), kill.err());
        assertTrue(kill.out().contains("<signal>"), kill.out());
    }

    @Test
    void theHandBuiltModelListsEveryVerbAndRefusesAMissingIdOrAnUnknownOption() throws Exception {
        Call help = oci("--help");
        assertEquals(0, help.code());
        for (String verb : List.of("create", "start", "run", "kill", "delete", "pause", "resume",
                "exec", "state", "list, ls", "ps", "features", "spec")) {
            assertTrue(help.out().contains("  " + verb + " "), verb + " in " + help.out());
        }
        assertTrue(help.out().contains("--log-format=<logFormat>"), help.out());
        for (String verb : List.of("create", "start", "run", "kill", "delete", "pause", "resume",
                "state", "ps", "exec")) {
            Call missing = oci(verb);
            assertEquals(1, missing.code(), verb);
            assertEquals("berth oci: Missing required parameter: '<id>'\n", missing.err(), verb);
        }
        Call unknown = oci("run", "--bundle", bundle.toString(), "--bogus", "c1");
        assertEquals(1, unknown.code());
        assertEquals("berth oci: Unknown option: '--bogus'\n", unknown.err());
        assertEquals("", oci("list", "-q").out());
    }

    @Test
    void signalsAreTakenByNameWithOrWithoutSigAndByNumber() {
        assertEquals(15, Lifecycle.Signals.parse("TERM"));
        assertEquals(9, Lifecycle.Signals.parse("SIGKILL"));
        assertEquals(10, Lifecycle.Signals.parse("usr1"));
        assertEquals(34, Lifecycle.Signals.parse("34"));
        assertThrows(IllegalArgumentException.class, () -> Lifecycle.Signals.parse("NOPE"));
    }

    /** Plays conmon's part: takes the pty master from the console socket, copies it out. */
    private static final String CONSOLE_RECEIVER = """
        import os, socket, sys
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(sys.argv[1])
        server.listen(1)
        print("ready", flush=True)
        conn, _ = server.accept()
        msg, fds, flags, addr = socket.recv_fds(conn, 64, 1)
        out = open(sys.argv[2], "wb")
        while True:
            try:
                data = os.read(fds[0], 4096)
            except OSError:
                break
            if not data:
                break
            out.write(data)
            out.flush()
        """;

    @Test
    void aTerminalsMasterGoesToTheConsoleSocket() throws Exception {
        Path script = work.resolve("receiver.py");
        Files.writeString(script, CONSOLE_RECEIVER);
        Path socket = work.resolve("console.sock");
        Path received = work.resolve("tty-output");
        Process receiver = new ProcessBuilder("python3", script.toString(), socket.toString(),
                received.toString()).redirectErrorStream(true).start();
        try {
            assertEquals("ready", new java.io.BufferedReader(new java.io.InputStreamReader(
                    receiver.getInputStream(), StandardCharsets.UTF_8)).readLine());
            config.withObject("/process").put("terminal", true);
            args("sh", "-c", "tty; echo hi; sleep 0.3");
            Call created = oci("create", "--bundle", bundle.toString(), "--console-socket",
                    socket.toString(), "c1");
            assertEquals(0, created.code(), created.err());
            assertEquals(0, oci("start", "c1").code());
            assertTrue(receiver.waitFor(20, TimeUnit.SECONDS), "the pty reached its end");
            assertEquals("/dev/pts/0\r\nhi\r\n", Files.readString(received));
        } finally {
            receiver.destroyForcibly().waitFor();
        }
    }

    @Test
    void aTerminalWithoutAConsoleSocketIsRefused() throws Exception {
        config.withObject("/process").put("terminal", true);
        args("true");
        Call call = oci("create", "--bundle", bundle.toString(), "c1");
        assertEquals(1, call.code());
        assertTrue(call.err().contains("--console-socket"), call.err());
        assertTrue(new String(Files.readAllBytes(bundle.resolve("config.json")),
                StandardCharsets.UTF_8).contains("\"terminal\""));
    }
}
