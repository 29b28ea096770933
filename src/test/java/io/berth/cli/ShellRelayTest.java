package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.engine.EngineConfig;
import io.berth.runtime.OciRuntime;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import org.junit.jupiter.api.Timeout;

/**
 * bin/berth as its own thin client: bash claims a FIFO slot, sends the command line in the
 * slot's shell form and reads back the exit code, while the engine writes to the launcher's
 * own stdout and stderr. Compared with the Java client on the same engine.
 */
@Tag("privileged")
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a launcher left waiting fails, not CI
class ShellRelayTest {
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

    private static List<String> launcher(String... args) {
        List<String> command = new ArrayList<>(List.of("bin/berth", "--root",
                berth.root.toString(), "--runroot", berth.runroot.toString(), "--bridge-name",
                berth.bridge, "--bridge-subnet", berth.subnet));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs bin/berth; with javaClient, through the Java client rather than bash alone. */
    private static BerthCli.Result run(boolean javaClient, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher(args))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (javaClient) {
            builder.environment().put("BERTH_JAVA_CLIENT", "1");
        }
        return result(builder.start());
    }

    /** What a process printed, and its exit code, once it has ended. */
    private static BerthCli.Result result(Process p) throws Exception {
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new BerthCli.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    private static BerthCli.Result relayed(String... args) throws Exception {
        int before = server.servedDirect();
        BerthCli.Result result = run(false, args);
        assertEquals(before + 1, server.servedDirect(), "bash relayed it, no JVM");
        return result;
    }

    /** A shell line, run by bash, with {@code $B} the launcher and its global options. */
    private static BerthCli.Result shell(String line) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", line);
        builder.environment().put("B", String.join(" ", launcher()));
        return result(builder.start());
    }

    @Test
    void outputErrorsAndCodesAreTheJavaClientsAndTheCLIs() throws Exception {
        assertEquals(0, relayed("run", "-d", "--name", "kept", "busybox", "sleep", "60").code());
        try {
            for (String[] args : List.of(
                    new String[] {"run", "--rm", "--network", "none", "busybox", "sh", "-c",
                        "echo out; echo err >&2; exit 3"},
                    new String[] {"run", "--rm", "busybox", "nosuchcommand"},
                    new String[] {"inspect", "--format", "{{.Name}} {{.State.Running}}", "kept"},
                    new String[] {"ps", "--format", "{{.Names}} {{.Image}}"},
                    new String[] {"rm", "no-such-container"},
                    new String[] {"stop", "--bogus-flag", "kept"},
                    new String[] {"run", "--rm", "-e", "LINES=a\nb\tc\\d", "busybox", "sh", "-c",
                        "printf '%s|' \"$LINES\" 'arg with spaces' ''"})) {
                BerthCli.Result shell = relayed(args);
                assertEquals(run(true, args), shell, String.join(" ", args));
                assertEquals(berth.run(args), shell, String.join(" ", args));
            }
            assertEquals(new BerthCli.Result(3, "out\n", "err\n"), relayed("run", "--rm",
                    "--network", "none", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3"));
        } finally {
            berth.run("rm", "-f", "kept");
        }
    }

    /**
     * bash points its fd 1 at the slot's FIFO while printf writes the request; an engine that
     * took the launcher's stdout in that moment wrote the container's output into the FIFO.
     */
    @Test
    void runsBackToBackEachPrintTheirOwnLine() throws Exception {
        BerthCli.Result all = shell("for i in $(seq 1 25); do $B run --rm --network none "
                + "busybox echo line$i || echo failed$i; done");
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            expected.append("line").append(i).append('\n');
        }
        assertEquals(new BerthCli.Result(0, expected.toString(), ""), all);
    }

    @Test
    void aFileKeepsItsOffsetAndAppendMode() throws Exception {
        Path file = berth.dir.resolve("out.txt");
        BerthCli.Result written = shell("{ echo first; $B version --format "
                + "'{{.Client.Version}}'; echo last; } > " + file + "; echo more >> " + file
                + "; $B version --format x >> " + file);
        assertEquals(0, written.code(), written.err());
        assertEquals("first\n" + Main.VERSION + "\nlast\nmore\nx\n", Files.readString(file));
    }

    @Test
    void aReaderThatGoesAwayEndsTheCommandAsSigpipeWould() throws Exception {
        assertEquals(0, relayed("run", "-d", "--name", "talker", "busybox", "sh", "-c",
                "while true; do echo tick; sleep 0.05; done").code());
        try {
            BerthCli.Result head = shell("$B logs -f talker | head -n 2; "
                    + "echo \"${PIPESTATUS[0]}\"");
            assertEquals(new BerthCli.Result(0, "tick\ntick\n141\n", ""), head);
            awaitIdle();
        } finally {
            berth.run("rm", "-f", "talker");
        }
    }

    @Test
    void aKilledLauncherEndsItsCommandAndHearsNothingMore() throws Exception {
        assertEquals(0, relayed("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
                "while true; do echo tick; sleep 0.05; done").code());
        try {
            Path out = berth.dir.resolve("follow.txt");
            Process follow = new ProcessBuilder(launcher("logs", "-f", "ticker"))
                    .redirectOutput(out.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.size(out) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, server.active());
            follow.destroyForcibly().waitFor();
            awaitIdle();
            long size = Files.size(out);
            Thread.sleep(300);
            assertEquals(size, Files.size(out), "nothing written after the launcher died");
        } finally {
            berth.run("rm", "-f", "ticker");
        }
    }

    @Test
    void signalsTheLauncherGetsGoToTheContainer() throws Exception {
        for (String signal : List.of("TERM", "HUP")) {
            Process p = new ProcessBuilder(launcher("run", "--rm", "--network", "none",
                    "busybox", "sh", "-c", "trap 'echo got-" + signal + "; exit 3' " + signal
                            + "; echo ready; sleep 30 & wait")).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertEquals("got-" + signal, out.readLine(), "the container trapped it");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(3, p.exitValue(), "the launcher follows the container to its end");
        }
    }

    /**
     * A request whose launcher is gone by the time the engine looks (a pid of an ended
     * process): the engine answers that it cannot reach its output, and runs nothing.
     */
    @Test
    void aLauncherWhoseOutputCannotBeTakenIsToldSoAndNothingRuns() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path slot = berth.runroot.resolve(Forward.SLOT_DIR).resolve("5");
        Files.writeString(slot.resolve("claim"), Long.toString(ProcessHandle.current().pid()));
        int served = server.served();
        try (OutputStream in = new FileOutputStream(slot.resolve("in").toFile())) {
            in.write(("BRTD0\0" + gone.pid() + "\0" + "1\0ps\0")
                    .getBytes(StandardCharsets.US_ASCII));
            in.flush();
            try (BufferedReader answer = Files.newBufferedReader(slot.resolve("out"))) {
                assertEquals(CommandServer.UNREACHABLE, answer.readLine());
            }
        }
        assertEquals(served, server.served(), "nothing ran");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Files.exists(slot.resolve("claim")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(Files.notExists(slot.resolve("claim")), "the slot is free again");
    }

    /**
     * The pid in a request is the launcher's word: a launcher in a pid namespace of its own
     * names a pid that is another process here. Nothing is taken from a process that does not
     * hold the slot's request FIFO.
     */
    @Test
    void aRequestNamingAnotherProcessTakesNothingOfIt() throws Exception {
        Path victimOut = berth.dir.resolve("victim.out");
        Process victim = new ProcessBuilder("sleep", "60").redirectOutput(victimOut.toFile())
                .redirectError(victimOut.toFile()).start();
        Path slot = berth.runroot.resolve(Forward.SLOT_DIR).resolve("6");
        Files.writeString(slot.resolve("claim"), Long.toString(ProcessHandle.current().pid()));
        int served = server.served();
        try (OutputStream in = new FileOutputStream(slot.resolve("in").toFile())) {
            in.write(("BRTD0\0" + victim.pid() + "\0" + "1\0version\0")
                    .getBytes(StandardCharsets.US_ASCII));
            in.flush();
            try (BufferedReader answer = Files.newBufferedReader(slot.resolve("out"))) {
                assertEquals(CommandServer.UNREACHABLE, answer.readLine());
            }
        } finally {
            victim.destroyForcibly().waitFor();
        }
        assertEquals(served, server.served(), "nothing ran");
        assertEquals("", Files.readString(victimOut));
    }

    /** `>&-`: the output of a launcher without stdout goes nowhere; stderr and code stay. */
    @Test
    void aClosedStdoutLosesOnlyTheOutput() throws Exception {
        BerthCli.Result closed = shell("$B run --rm --network none busybox sh -c "
                + "'echo out; echo err >&2; exit 3' >&-");
        assertEquals(new BerthCli.Result(3, "", "err\n"), closed);
    }

    @Test
    void manyArgumentsArePassedAsTheyAre() throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--network", "none",
                "busybox", "sh", "-c", "echo $#", "sh"));
        for (int i = 0; i < 6000; i++) {
            args.add("a" + i);
        }
        assertEquals(new BerthCli.Result(0, "6000\n", ""),
                relayed(args.toArray(String[]::new)));
    }

    /**
     * A launcher killed while its run creates and starts: the engine finishes the run as
     * dockerd finishes a killed docker CLI's, so --rm removes each container at its exit
     * instead of leaving a created one with its monitor, mount and network.
     */
    @Test
    void runsWhoseLauncherIsKilledStillFinishAndRemoveTheirContainers() throws Exception {
        for (int i = 0; i < 8; i++) {
            Process p = new ProcessBuilder(launcher("run", "--rm", "busybox", "sleep", "1"))
                    .start();
            Thread.sleep(i * 25L);
            p.destroyForcibly().waitFor();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String left = "?";
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            left = berth.run("ps", "-aq").out();
        }
        assertEquals("", left, "every --rm container went at its exit");
        awaitIdle();
    }

    /** A run whose reader goes away ends its launcher at once; the container goes on. */
    @Test
    void aRunWhoseReaderGoesAwayEndsItsLauncherWith141() throws Exception {
        try {
            BerthCli.Result head = shell("$B run --rm --name endless --network none busybox "
                    + "sh -c 'while true; do echo y; sleep 0.01; done' | head -n 1; "
                    + "echo \"${PIPESTATUS[0]}\"");
            assertEquals(new BerthCli.Result(0, "y\n141\n", ""), head);
            assertEquals("endless\n", berth.run("ps", "--format", "{{.Names}}").out(),
                    "still running, as docker leaves it");
        } finally {
            berth.run("rm", "-f", "endless");
        }
        awaitIdle();
    }

    @Test
    void withEverySlotTakenTheLauncherFallsBackToTheJavaClient() throws Exception {
        int direct = server.servedDirect();
        try (CommandServerTest.Claimed all = CommandServerTest.claimEverySlot(berth)) {
            assertEquals(new BerthCli.Result(0, Main.VERSION + "\n", ""),
                    run(false, "version", "--format", "{{.Client.Version}}"));
            assertEquals(direct, server.servedDirect());
        }
    }

    /**
     * An engine that died leaves its pid in the slots' folder; should another process take
     * that pid, nobody reads the FIFOs, so the launcher must not wait on them.
     */
    @Test
    void aPidFileNamingAProcessThatIsNoEngineIsPassedBy() throws Exception {
        Path pidFile = berth.runroot.resolve(Forward.SLOT_DIR).resolve("pid");
        String engine = Files.readString(pidFile);
        Process other = new ProcessBuilder("sleep", "60").start();
        int direct = server.servedDirect();
        try {
            Files.writeString(pidFile, Long.toString(other.pid()));
            assertEquals(new BerthCli.Result(0, Main.VERSION + "\n", ""),
                    run(false, "version", "--format", "{{.Client.Version}}"),
                    "answered through the socket");
            assertEquals(direct, server.servedDirect());
        } finally {
            Files.writeString(pidFile, engine);
            other.destroyForcibly().waitFor();
        }
    }

    private static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.active() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.active(), "the command ended");
    }
}
