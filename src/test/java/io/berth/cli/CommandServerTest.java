package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.engine.EngineConfig;
import io.berth.image.LocalRegistry;
import io.berth.runtime.OciRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The thin CLI ({@link Forward}, in a JVM of its own as bin/berth starts it) against the
 * engine's command socket: the same output, error and exit code as the command run in-process.
 */
@Tag("privileged")
class CommandServerTest {
    private static BerthCli berth;
    private static CommandServer server;

    @BeforeAll
    static void start() {
        berth = BerthCli.withBusybox();
        server = CommandServer.start(new EngineConfig(berth.root, berth.runroot,
                OciRuntime.defaultShim(), new EngineConfig.Bridge(berth.bridge, berth.subnet)));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        server.close();
        berth.close();
    }

    /** Starts the thin client on this root's socket. */
    private static Process client(String... args) throws IOException {
        return client(false, args);
    }

    /** The thin client, told by its launcher that its caller is at a terminal or not. */
    private static Process client(boolean terminal, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dberth.terminal=" + terminal,
                "-Dberth.socket=" + server.socket(), "-cp", System.getProperty("java.class.path"),
                "io.berth.cli.Forward", "--root", berth.root.toString(), "--runroot",
                berth.runroot.toString(), "--bridge-name", berth.bridge, "--bridge-subnet",
                berth.subnet));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
    }

    private static BerthCli.Result forward(String... args) throws Exception {
        return forward(false, args);
    }

    private static BerthCli.Result forward(boolean terminal, String... args) throws Exception {
        int before = server.served();
        Process p = client(terminal, args);
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(before + 1, server.served(), "the engine ran it, not the client");
        return new BerthCli.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void aForwardedRunPrintsBothStreamsAndExitsWithTheContainersCode() throws Exception {
        String[] run = {"run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3"};
        BerthCli.Result forwarded = forward(run);
        assertEquals(new BerthCli.Result(3, "out\n", "err\n"), forwarded);
        assertEquals(berth.run(run), forwarded);
    }

    @Test
    void aCommandLineLeavesNothingOfItsOptionsToTheNext() throws Exception {
        // One client after another takes the same slot, so the same thread and its reused
        // picocli model serve them.
        assertEquals(new BerthCli.Result(0, "1 /tmp\n", ""), forward("run", "--rm", "-e", "A=1",
                "--name", "named", "-w", "/tmp", "busybox", "sh", "-c", "echo $A $(pwd)"));
        BerthCli.Result plain = forward("run", "--rm", "busybox", "sh", "-c",
                "echo ${A:-unset} $(pwd)");
        assertEquals(new BerthCli.Result(0, "unset /\n", ""), plain);
        assertEquals("", forward("ps", "-a", "--format", "{{.Names}}").out(),
                "no name kept from the first run");
    }

    @Test
    void errorsAndFormatsAreTheSameAsInProcess() throws Exception {
        assertEquals(0, forward("run", "-d", "--name", "kept", "busybox", "sleep", "60")
                .code());
        for (String[] args : List.of(
                new String[] {"inspect", "--format", "{{.Name}} {{.State.Running}}", "kept"},
                new String[] {"ps", "--format", "{{.Names}} {{.Image}}"},
                new String[] {"rm", "no-such-container"},
                new String[] {"stop", "--bogus-flag", "kept"})) {
            assertEquals(berth.run(args), forward(args), String.join(" ", args));
        }
        assertEquals("/kept true\n", forward("inspect", "--format",
                "{{.Name}} {{.State.Running}}", "kept").out());
        assertEquals(0, forward("rm", "-f", "kept").code());
    }

    /** An image of one small layer that no other test's image shares, pushed and removed. */
    @Test
    void aRelayedPullPrintsLinesInAPipeAndBarsOnATerminal() throws Exception {
        Path tree = Files.createDirectories(berth.dir.resolve("relayed/etc"));
        Files.writeString(tree.resolve("relayed"), "only here\n");
        Path tar = berth.dir.resolve("relayed.tar");
        LocalRegistry.run(List.of("tar", "-C", tree.getParent().toString(), "-cf",
                tar.toString(), "etc"));
        try (LocalRegistry registry = LocalRegistry.open(berth.dir.resolve("registry"))) {
            String name = registry.address() + "/test/relayed:1.0";
            assertEquals(0, berth.run("import", tar.toString(), name).code());
            assertEquals(0, berth.run("push", "-q", name).code());
            assertEquals(0, berth.run("rmi", name).code());

            BerthCli.Result piped = forward("pull", name);
            assertEquals(0, piped.code(), piped.err());
            List<String> lines = piped.out().lines().toList();
            assertEquals("1.0: Pulling from test/relayed", lines.get(0));
            assertTrue(lines.get(1).endsWith(": Pulling fs layer"), piped.out());
            assertTrue(lines.get(2).endsWith(": Pull complete"), piped.out());
            assertEquals(name, lines.getLast());
            assertEquals(0, berth.run("rmi", name).code());
            assertEquals(berth.run("pull", name), piped, "as the CLI prints it in a pipe");
            assertEquals(0, berth.run("rmi", name).code());

            BerthCli.Result bars = forward(true, "pull", name);
            assertEquals(0, bars.code(), bars.err());
            String layer = lines.get(1).substring(0, lines.get(1).indexOf(':'));
            assertTrue(bars.out().contains("\r\033[2K" + layer + ": Pull complete\n"),
                    "redrawn in place: " + bars.out());
            assertTrue(bars.out().contains("\033[1A"), "the cursor goes back up over it");
            assertEquals(name, bars.out().lines().toList().getLast());
            assertEquals(name, forward("pull", "-q", name).out().strip(), "-q");
            assertEquals(0, berth.run("rmi", name).code());
        }
    }

    @Test
    void aLongCommandDoesNotHoldUpAnother() throws Exception {
        int taken = server.served();
        Process slow = client("run", "--rm", "--name", "slow", "busybox", "sleep", "3");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.served() == taken && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            String names = "";
            while (!names.contains("slow") && System.nanoTime() < deadline) {
                names = forward("ps", "--format", "{{.Names}}").out();
            }
            assertEquals("slow\n", names, "ps answered while run was still attached");
            assertTrue(slow.isAlive());
            assertTrue(slow.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, slow.exitValue());
        } finally {
            slow.destroyForcibly().waitFor();
        }
    }

    @Test
    void manyClientsAtOnceOnTheBridgeAllFinish() throws Exception {
        List<Process> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            runs.add(client("run", "--rm", "busybox", "sh", "-c", "echo run" + i + "; exit " + i));
        }
        for (int i = 0; i < 4; i++) {
            runs.add(client("ps", "--format", "{{.Names}}"));
        }
        for (int i = 0; i < runs.size(); i++) {
            Process p = runs.get(i);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "client " + i + " finished");
            if (i < 6) {
                assertEquals("run" + i + "\n", out);
                assertEquals(i, p.exitValue());
            } else {
                assertEquals(0, p.exitValue());
            }
        }
        assertEquals("", forward("ps", "-a", "-q").out(), "every --rm container is gone");
    }

    @Test
    void signalsTheClientGetsGoToTheContainerItFollows() throws Exception {
        for (String signal : List.of("INT", "TERM")) {
            Process p = client("run", "--rm", "--network", "none", "busybox", "sh", "-c",
                    "trap 'echo got-" + signal + "; exit 3' " + signal
                            + "; echo ready; sleep 30 & wait");
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertEquals("got-" + signal, out.readLine(), "the container trapped it");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(3, p.exitValue(), "the client follows the container to its end");
        }
    }

    @Test
    void aClientThatHangsUpEndsItsCommand() throws Exception {
        assertEquals(0, forward("run", "-d", "--name", "talker", "busybox", "sh", "-c",
                "while true; do echo tick; sleep 0.2; done").code());
        Process follow = client("logs", "-f", "talker");
        assertEquals("tick", new String(follow.getInputStream().readNBytes(4),
                StandardCharsets.UTF_8));
        assertEquals(1, server.active());
        follow.destroyForcibly().waitFor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.active() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.active(), "the follow ended with its client");
        assertEquals(0, forward("rm", "-f", "talker").code());
    }

    @Test
    void theLauncherForwardsOnlyWhatNeedsNothingOfTheCaller() throws Exception {
        String root = "--root " + berth.root + " --runroot " + berth.runroot + " ";
        String forward = "forward " + server.socket();
        for (String line : List.of("run --rm busybox true", "ps -a", "logs -t web",
                "stop -t 3 web", "run -e A=1 -d busybox top", "inspect --format {{.Id}} x",
                "pull -q localhost:5000/x:1")) {
            assertEquals(forward, launcherSays(root + line), line);
        }
        for (String line : List.of("run -it busybox sh", "run -i busybox cat",
                "run -e HOME busybox env", "run -Pe HOME busybox env",
                "run -e=HOME busybox env", "exec -e=HOME web env", "exec -ue HOME web env",
                "run -v /tmp:/x busybox true", "exec -t web sh",
                "start -a web", "load -i image.tar", "cp web:/etc/hosts .", "--help")) {
            assertEquals("local", launcherSays(root + line), line);
        }
        assertEquals("local", launcherSays("--root relative/path ps"), "a path of the caller's");
        // A monitor's clean-up of a container that is still there (one already removed ends
        // in bash before any of this).
        Path kept = Files.createDirectories(berth.root.resolve("containers/0123"));
        try {
            assertEquals(forward, launcherSays(root + "container-cleanup 0123"));
        } finally {
            Files.delete(kept);
        }
        assertEquals("local", launcherSays("--root /tmp --runroot /nonexistent/run ps"),
                "no engine serves that runroot");
    }

    private static String launcherSays(String line) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/berth"));
        command.addAll(List.of(line.split(" ")));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BERTH_FORWARD_CHECK", "1");
        Process p = builder.redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return said.strip();
    }

    @Test
    void withEverySlotTakenTheClientUsesTheSocket() throws Exception {
        try (Claimed all = claimEverySlot(berth)) {
            assertEquals(new BerthCli.Result(0, Main.VERSION + "\n", ""),
                    forward("version", "--format", "{{.Client.Version}}"));
        }
    }

    /** Every FIFO slot of a root's engine, claimed by this JVM until closed. */
    interface Claimed extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    static Claimed claimEverySlot(BerthCli berth) throws IOException {
        Path slots = berth.runroot.resolve(Forward.SLOT_DIR);
        String me = Long.toString(ProcessHandle.current().pid());
        for (int i = 0; i < Forward.SLOTS; i++) {
            Files.writeString(slots.resolve(i + "/claim"), me);
        }
        return () -> {
            for (int i = 0; i < Forward.SLOTS; i++) {
                Files.deleteIfExists(slots.resolve(i + "/claim"));
            }
        };
    }

    @Test
    void aClaimWhoseClientDiedIsSweptAway() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path claim = berth.runroot.resolve(Forward.SLOT_DIR).resolve("3/claim");
        Files.writeString(claim, Long.toString(dead.pid()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(claim) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.notExists(claim), "the slot is free again");
    }

    @Test
    void theSocketIsForRootAlone() throws IOException {
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(server.socket())));
    }
}
