package io.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The service's life beside its containers: restarts, SIGTERM, many clients at once. */
@Tag("privileged")
class ServiceLifeTest {
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

    @Test
    void aRestartedServiceFindsTheRunningContainersAndTheirExits() {
        assertEquals(0, berth.docker("run", "-d", "--name", "survivor", "busybox", "sh", "-c",
                "sleep 4; exit 4").code());
        long pid = pid("survivor");
        berth.stop();
        assertTrue(Files.exists(Path.of("/proc/" + pid)), "the container outlives the service");
        berth.start();

        assertEquals("running", berth.docker("inspect", "--format", "{{.State.Status}}",
                "survivor").line());
        assertEquals("4", berth.docker("wait", "survivor").line());
        assertEquals(0, berth.docker("rm", "survivor").code());
    }

    @Test
    void sigtermStopsTheServiceAndLeavesItsContainersRunning() throws Exception {
        Path socket = berth.dir.resolve("t.sock");
        Process service = serviceProcess(socket);
        try {
            awaitSocket(socket);
            ServiceUnderTest.Result run = dockerOn(socket, "run", "-d", "--name", "lasting",
                    "busybox", "sleep", "600");
            assertEquals(0, run.code(), run.err());
            long pid = pid("lasting");
            List<Path> primer = cgroupFolders("primer-" + service.pid());
            assertFalse(primer.isEmpty(), "the service primes cgroup moves from a cgroup of "
                    + "its own under berth/");
            List<Long> helpers = procs(primer.getFirst());
            assertEquals(1, helpers.size(), "one helper in " + primer.getFirst());

            service.destroy();
            assertTrue(service.waitFor(20, TimeUnit.SECONDS), "the service stopped");
            assertFalse(Files.exists(socket), "the socket file is gone");
            for (Path folder : primer) {
                assertFalse(Files.exists(folder), folder + " is left after the service");
            }
            assertFalse(ProcessHandle.of(helpers.getFirst()).map(ProcessHandle::isAlive)
                    .orElse(false), "the primer's helper is left after the service");
            assertTrue(Files.exists(Path.of("/proc/" + pid)), "the container still runs");
            assertEquals("running", berth.docker("inspect", "--format", "{{.State.Status}}",
                    "lasting").line());
        } finally {
            service.destroyForcibly().waitFor();
            berth.docker("rm", "-f", "lasting");
        }
    }

    @Test
    void theServiceRestartsAContainerByItsPolicyItself() throws Exception {
        assertEquals(0, berth.docker("run", "-d", "--name", "flaky", "--restart",
                "on-failure:2", "busybox", "sh", "-c", "exit 3").code());

        assertEquals("2 exited 3", awaitSettled("flaky", "2 exited 3"));
        assertEquals(0, berth.docker("rm", "flaky").code());
    }

    @Test
    void aContainerThatExitedWhileNoServiceRanIsRestartedByPolicyByTheNext() throws Exception {
        assertEquals(0, berth.docker("run", "-d", "--name", "orphan", "--restart",
                "on-failure:1", "busybox", "sh", "-c", "sleep 1; exit 5").code());
        long pid = pid("orphan");
        berth.stop();
        while (Files.exists(Path.of("/proc/" + pid))) {
            Thread.sleep(20);
        }
        berth.start();

        assertEquals("1 exited 5", awaitSettled("orphan", "1 exited 5"));
        assertEquals(0, berth.docker("rm", "orphan").code());
    }

    @Test
    void anExitStartsNoProcessBesideTheService() throws Exception {
        assertEquals(0, berth.docker("run", "-d", "--name", "brief", "busybox", "true").code());
        assertEquals("0", berth.docker("wait", "brief").line());

        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < until) {
            List<Long> cleaners = exitCommandsOfThisRoot();
            assertTrue(cleaners.isEmpty(), "exit commands running: " + cleaners);
            Thread.sleep(10);
        }
        assertEquals("exited 0", berth.docker("inspect", "--format",
                "{{.State.Status}} {{.State.ExitCode}}", "brief").line());
        assertEquals(0, berth.docker("rm", "brief").code());
    }

    @Test
    void aStartThroughTheServiceLandsInItsOwnCgroupInEveryHierarchyWithItsLimits()
            throws Exception {
        ServiceUnderTest.Result run = berth.docker("run", "-d", "--name", "placed", "--memory",
                "64m", "--pids-limit", "50", "--cpus", "0.5", "busybox", "sleep", "600");
        assertEquals(0, run.code(), run.err());
        try {
            String id = run.line();
            long pid = pid("placed");

            List<Path> folders = cgroupFolders(id);
            assertFalse(folders.isEmpty(), "no cgroup berth/" + id);
            for (Path folder : folders) {
                assertEquals(List.of(pid), procs(folder), folder.toString());
            }
            Path v1 = Path.of("/sys/fs/cgroup/memory/berth", id);
            boolean isV1 = Files.isDirectory(v1);
            Path memory = isV1 ? v1.resolve("memory.limit_in_bytes")
                    : Path.of("/sys/fs/cgroup/berth", id, "memory.max");
            Path pids = isV1 ? Path.of("/sys/fs/cgroup/pids/berth", id, "pids.max")
                    : Path.of("/sys/fs/cgroup/berth", id, "pids.max");
            assertEquals("67108864", Files.readString(memory).strip());
            assertEquals("50", Files.readString(pids).strip());
            Path cpu = isV1 ? Path.of("/sys/fs/cgroup/cpu/berth", id, "cpu.cfs_quota_us")
                    : Path.of("/sys/fs/cgroup/berth", id, "cpu.max");
            assertEquals(isV1 ? "50000" : "50000 100000", Files.readString(cpu).strip());
        } finally {
            berth.docker("rm", "-f", "placed");
        }
    }

    /** The folders of a cgroup berth/NAME in every hierarchy below /sys/fs/cgroup (or v2's). */
    private static List<Path> cgroupFolders(String name) throws IOException {
        List<Path> found = new ArrayList<>();
        Path root = Path.of("/sys/fs/cgroup");
        if (Files.isDirectory(root.resolve("berth").resolve(name))) {
            found.add(root.resolve("berth").resolve(name));
        }
        try (var hierarchies = Files.list(root)) {
            for (Path h : hierarchies.toList()) {
                Path folder = h.resolve("berth").resolve(name);
                if (Files.isDirectory(folder)) {
                    found.add(folder);
                }
            }
        }
        return found;
    }

    private static List<Long> procs(Path cgroup) throws IOException {
        return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream()
                .filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    }

    private static List<Long> exitCommandsOfThisRoot() {
        List<Long> found = new ArrayList<>();
        for (long pid : ServiceUnderTest.processesMentioning(berth.dir.toString())) {
            try {
                String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
                if (cmdline.contains("container-cleanup")) {
                    found.add(pid);
                }
            } catch (IOException e) {
                // Gone meanwhile.
            }
        }
        return found;
    }

    /**
     * Inspects until RestartCount, status and exit code read as expected twice, a second
     * apart (20 s at most): a restart counts before it starts, so one reading may be between.
     */
    private static String awaitSettled(String name, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String seen = "";
        String before = "";
        while (System.nanoTime() < deadline && !(seen.equals(expected) && before.equals(seen))) {
            before = seen;
            Thread.sleep(before.equals(expected) ? 1000 : 100);
            seen = berth.docker("inspect", "--format",
                    "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}", name).line();
        }
        return seen;
    }

    @Test
    void manyClientsAtOnceEachGetTheirOwnOutput() throws Exception {
        List<CompletableFuture<ServiceUnderTest.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String word = "client" + i;
            runs.add(CompletableFuture.supplyAsync(() -> berth.docker("run", "--rm", "busybox",
                    "echo", word)));
        }
        for (int i = 0; i < runs.size(); i++) {
            ServiceUnderTest.Result r = runs.get(i).get(120, TimeUnit.SECONDS);
            assertEquals(0, r.code(), r.err());
            assertEquals("client" + i + "\n", r.out());
        }
        assertEquals("", berth.docker("ps", "-a", "-q").out());
    }

    private static long pid(String name) {
        return Long.parseLong(berth.docker("inspect", "--format", "{{.State.Pid}}", name)
                .line());
    }

    @Test
    void aSecondServiceOnTheSameRunrootIsRefusedAndTheFirstKeepsItsCommandSocket()
            throws Exception {
        Path first = berth.dir.resolve("first.sock");
        Path commands = berth.config.runroot().resolve("berth.sock");
        Process service = serviceProcess(first);
        try {
            awaitSocket(first);
            awaitSocket(commands);
            Path second = berth.dir.resolve("second.sock");
            Process other = serviceProcess(second, berth.dir.resolve("second.log"));
            assertTrue(other.waitFor(30, TimeUnit.SECONDS), "the second service ends");
            assertEquals(1, other.exitValue());
            String log = Files.readString(berth.dir.resolve("second.log"));
            assertTrue(log.contains("another service already serves the runroot "
                    + berth.config.runroot()), log);
            assertFalse(Files.exists(second), "no Docker API socket was left by the refused one");
            try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(commands))) {
                assertTrue(probe.isConnected(), "the first service still answers");
            }
        } finally {
            service.destroy();
            assertTrue(service.waitFor(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void theFoldersTheServiceMadeForItsSocketGoWhenItStopsAndThoseItFoundStay()
            throws Exception {
        Path found = Files.createDirectory(berth.dir.resolve("found"));
        Path made = found.resolve("made");
        Path socket = made.resolve("deeper").resolve("d.sock");
        Process service = serviceProcess(socket);
        try {
            awaitSocket(socket);
            assertEquals(0, dockerOn(socket, "version").code());
        } finally {
            service.destroy();
            assertTrue(service.waitFor(30, TimeUnit.SECONDS), "the service stopped");
        }
        assertFalse(Files.exists(made), made + " was made by the service and is left");
        assertTrue(Files.isDirectory(found), found + " was there before and stays");

        // A folder something else was put in meanwhile stays, with what is in it.
        service = serviceProcess(socket);
        try {
            awaitSocket(socket);
            Files.writeString(made.resolve("other"), "not the service's");
        } finally {
            service.destroy();
            assertTrue(service.waitFor(30, TimeUnit.SECONDS), "the service stopped");
        }
        assertFalse(Files.exists(made.resolve("deeper")), "the empty folder it made is gone");
        assertTrue(Files.exists(made.resolve("other")), "another's file is kept");
        Files.delete(made.resolve("other"));
        Files.delete(made);
        Files.delete(found);
    }

    @Test
    void aServiceThatCannotListenLeavesNoFolderItMade() throws Exception {
        // Longer than a Unix socket's path may be (108 bytes): the folder is made, bind fails.
        Path made = berth.dir.resolve("unlistened");
        Path socket = made.resolve("s".repeat(120) + ".sock");
        Process service = serviceProcess(socket, berth.dir.resolve("unlistened.log"));
        assertTrue(service.waitFor(30, TimeUnit.SECONDS), "the service gave up");
        assertEquals(1, service.exitValue(), Files.readString(berth.dir.resolve(
                "unlistened.log")));
        assertFalse(Files.exists(made), made + " is left by a service that never listened");
    }

    /** `berth system service` as its own process, on this test's root and bridge. */
    private static Process serviceProcess(Path socket) throws IOException {
        return serviceProcess(socket, berth.dir.resolve("service.log"));
    }

    private static Process serviceProcess(Path socket, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> argv = new ArrayList<>(List.of(java.toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dberth.shim=" + berth.config.shim(),
                "-cp", System.getProperty("java.class.path"), "io.berth.cli.Main",
                "--root", berth.config.root().toString(),
                "--runroot", berth.config.runroot().toString(),
                "--bridge-name", berth.config.bridge().name(),
                "--bridge-subnet", berth.config.bridge().subnet(),
                "system", "service", "unix://" + socket));
        return new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static void awaitSocket(Path socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(socket), "the service listens on " + socket);
    }

    private static ServiceUnderTest.Result dockerOn(Path socket, String... args) {
        return berth.dockerOn(socket, null, args);
    }
}
