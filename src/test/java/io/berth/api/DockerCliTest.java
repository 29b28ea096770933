package io.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** What a `docker run --rm` through the service printed, after its exit was checked. */
    private static String ran(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("run", "--rm", "--network",
                "none"));
        argv.addAll(List.of(args));
        ServiceUnderTest.Result r = berth.docker(argv.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r.out().strip();
    }

    @Test
    void securityAndRlimitFlagsReachTheContainerAsTheyDoFromBerthsOwnCli() {
        assertEquals("CapEff:\t0000000000000000", ran("--cap-drop", "ALL", "busybox", "grep",
                "CapEff", "/proc/self/status"));
        assertEquals("CapEff:\t00000000a80435fb", ran("--cap-add", "NET_ADMIN", "busybox",
                "grep", "CapEff", "/proc/self/status"));
        assertEquals("NoNewPrivs:\t1", ran("--security-opt", "no-new-privileges", "busybox",
                "grep", "NoNewPrivs", "/proc/self/status"));
        assertEquals("77", ran("--ulimit", "nofile=77:77", "busybox", "sh", "-c", "ulimit -n"));
        assertEquals("500", ran("--oom-score-adj", "500", "busybox", "cat",
                "/proc/self/oom_score_adj"));
        assertTrue(ran("--shm-size", "32m", "busybox", "df", "-k", "/dev/shm")
                .contains(" 32768 "), "a 32 MiB /dev/shm");
        assertTrue(!ran("--privileged", "busybox", "grep", "CapEff", "/proc/self/status")
                .endsWith("a80425fb"), "--privileged gives every capability");
        ServiceUnderTest.Result readOnly = berth.docker("run", "--rm", "--network", "none",
                "--read-only", "busybox", "touch", "/x");
        assertEquals(1, readOnly.code(), readOnly.out());
        assertTrue(readOnly.err().contains("Read-only file system"), readOnly.err());
        ServiceUnderTest.Result badCap = berth.docker("run", "--rm", "--cap-add", "NOPE",
                "busybox", "true");
        assertEquals(125, badCap.code(), badCap.out());
        assertTrue(badCap.err().contains("unknown capability"), badCap.err());
    }

    @Test
    void importKeepsEveryChangeItIsGiven() throws Exception {
        java.nio.file.Path rootfs = java.nio.file.Files.createDirectories(
                berth.dir.resolve("import-rootfs"));
        java.nio.file.Files.writeString(rootfs.resolve("hello"), "hi\n");
        java.nio.file.Path tar = berth.dir.resolve("import.tar");
        assertEquals(0, new ProcessBuilder("tar", "-cf", tar.toString(), "-C",
                rootfs.toString(), ".").inheritIO().start().waitFor());
        ServiceUnderTest.Result imported = berth.docker("import", "-c", "ENV X=1", "-c",
                "LABEL a=b", tar.toString(), "changed:1");
        assertEquals(0, imported.code(), imported.err());
        assertEquals("[X=1] map[a:b]", berth.docker("image", "inspect", "--format",
                "{{.Config.Env}} {{.Config.Labels}}", "changed:1").line());
        assertEquals(0, berth.docker("rmi", "changed:1").code());
    }

    private static void forceRemove(String name) {
        ServiceUnderTest.Result rm = berth.docker("rm", "-f", name);
        assertEquals(0, rm.code(), rm.err());
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
    void bindMountsFromVAndMountReachTheContainer() throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("berth-bind");
        try {
            java.nio.file.Files.writeString(dir.resolve("f"), "from the host\n");
            ServiceUnderTest.Result v = berth.docker("run", "--rm", "-v", dir + ":/data:ro",
                    "busybox", "cat", "/data/f");
            assertEquals("from the host\n", v.out(), v.err());
            ServiceUnderTest.Result m = berth.docker("run", "--rm", "--mount",
                    "type=bind,source=" + dir + ",target=/m", "busybox", "sh", "-c",
                    "echo back > /m/g");
            assertEquals(0, m.code(), m.err());
            assertEquals("back\n", java.nio.file.Files.readString(dir.resolve("g")));
        } finally {
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : files.toList()) {
                    java.nio.file.Files.delete(f);
                }
            }
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void aRunWhoseStartFailsEndsWithTheErrorAndTheExitCode() {
        ServiceUnderTest.Result missing = berth.docker("run", "--rm", "busybox",
                "/no/such/program");
        assertEquals(127, missing.code(), missing.err());
        assertTrue(missing.err().contains("/no/such/program"), missing.err());
        ServiceUnderTest.Result dir = berth.docker("run", "--name", "notrunnable", "busybox",
                "/etc");
        assertEquals(126, dir.code(), dir.err());
        forceRemove("notrunnable");
    }

    @Test
    void aMissingNetworkIsSaidSoWithoutAPull() {
        ServiceUnderTest.Result r = berth.docker("run", "--rm", "--network", "nosuchnet",
                "busybox", "true");
        assertEquals(125, r.code(), r.err());
        assertTrue(r.err().contains("network nosuchnet not found"), r.err());
        assertFalse(r.err().contains("Unable to find image"), "no pull: " + r.err());
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
        forceRemove("busy");
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

    @Test
    void execRunsInTheContainerWithItsExitCodeEnvironmentAndStdin() {
        assertEquals(0, berth.docker("run", "-d", "--name", "execd", "busybox", "sleep", "600")
                .code());
        String id = berth.docker("inspect", "--format", "{{.Id}}", "execd").line();
        assertEquals(id.substring(0, 12), berth.docker("exec", "execd", "hostname").line());
        assertEquals(5, berth.docker("exec", "execd", "sh", "-c", "exit 5").code());
        assertEquals(127, berth.docker("exec", "execd", "no-such-command").code());
        assertEquals("b /tmp", berth.docker("exec", "-e", "A=b", "-w", "/tmp", "execd", "sh",
                "-c", "echo $A $(pwd)").line());
        ServiceUnderTest.Result cat = berth.dockerWithInput("piped\n".getBytes(
                java.nio.charset.StandardCharsets.UTF_8), "exec", "-i", "execd", "cat");
        assertEquals("piped\n", cat.out(), cat.err());
        forceRemove("execd");
    }

    @Test
    void publishedPortsShowInPsAndPortAndServeTheHost() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertEquals(0, berth.docker("run", "-d", "--name", "httpd", "-p", "127.0.0.1:" + port
                + ":80", "busybox", "httpd", "-f", "-p", "80", "-h", "/var/www").code());
        assertEquals("80/tcp -> 127.0.0.1:" + port, berth.docker("port", "httpd").line());
        assertTrue(berth.docker("ps").out().contains("127.0.0.1:" + port + "->80/tcp"));
        String page = "";
        for (int i = 0; i < 50 && page.isEmpty(); i++) {
            try {
                page = new String(java.net.URI.create("http://127.0.0.1:" + port + "/").toURL()
                        .openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        assertTrue(page.contains("busybox"), "the fixture's /var/www/index.html: " + page);
        forceRemove("httpd");
    }

    @Test
    void cpCopiesBothWaysAndKeepsSymlinksInsideTheContainer() throws Exception {
        assertEquals(0, berth.docker("run", "-d", "--name", "cpd", "busybox", "sleep", "600")
                .code());
        Path in = berth.dir.resolve("cpin.txt");
        Files.writeString(in, "into the container\n");
        assertEquals(0, berth.docker("cp", in.toString(), "cpd:/tmp/copied.txt").code());
        assertEquals("into the container", berth.docker("exec", "cpd", "cat",
                "/tmp/copied.txt").line());

        Path out = berth.dir.resolve("passwd-out");
        ServiceUnderTest.Result get = berth.docker("cp", "cpd:/etc/passwd", out.toString());
        assertEquals(0, get.code(), get.err());
        assertTrue(Files.readString(out).startsWith("root:x:0:0:"));

        // A symlink to / inside the container must lead to the container's /etc, not the host's.
        assertEquals(0, berth.docker("exec", "cpd", "ln", "-s", "/", "/tmp/top").code());
        Path hostname = berth.dir.resolve("hostname-out");
        assertEquals(0, berth.docker("cp", "cpd:/tmp/top/etc/hostname", hostname.toString())
                .code());
        assertEquals(berth.docker("exec", "cpd", "hostname").line(),
                Files.readString(hostname).strip());
        assertEquals(1, berth.docker("cp", "cpd:/no/such/file", out.toString()).code());
        forceRemove("cpd");
    }

    @Test
    void topStatsPauseAndRenameShowALivingContainer() {
        assertEquals(0, berth.docker("run", "-d", "--name", "living", "busybox", "sleep", "600")
                .code());
        ServiceUnderTest.Result top = berth.docker("top", "living");
        assertEquals(0, top.code(), top.err());
        assertTrue(top.out().startsWith("UID") && top.out().contains("sleep 600"), top.out());

        ServiceUnderTest.Result stats = berth.docker("stats", "--no-stream", "--format",
                "{{.Name}} {{.PIDs}}", "living");
        assertEquals(0, stats.code(), stats.err());
        assertEquals("living 1", stats.line());

        assertEquals(0, berth.docker("pause", "living").code());
        assertEquals("paused", berth.docker("inspect", "--format", "{{.State.Status}}",
                "living").line());
        assertEquals(0, berth.docker("unpause", "living").code());
        assertEquals(0, berth.docker("rename", "living", "renamed").code());
        assertEquals("/renamed", berth.docker("inspect", "--format", "{{.Name}}", "renamed")
                .line());
        forceRemove("renamed");
    }

    @Test
    void eventsReplayWhatHappenedToAContainer() {
        String id = berth.docker("run", "-d", "busybox", "true").line();
        assertEquals("0", berth.docker("wait", id).line());
        ServiceUnderTest.Result events = berth.docker("events", "--since", "5m", "--until",
                String.valueOf(java.time.Instant.now().getEpochSecond() + 1), "--filter",
                "container=" + id, "--format", "{{.Action}}");
        assertEquals(0, events.code(), events.err());
        assertEquals(List.of("create", "start", "die"), events.out().lines().toList());
        assertEquals(0, berth.docker("rm", id).code());
    }

    @Test
    void networksAreCreatedListedInspectedAndRemoved() {
        ServiceUnderTest.Result create = berth.docker("network", "create", "--subnet",
                "10.83." + (System.nanoTime() % 200) + ".0/24", "apinet");
        assertEquals(0, create.code(), create.err());
        assertTrue(berth.docker("network", "ls", "--format", "{{.Name}}").out().lines()
                .toList().containsAll(List.of("bridge", "host", "none", "apinet")));
        assertEquals("apinet bridge", berth.docker("network", "inspect", "--format",
                "{{.Name}} {{.Driver}}", "apinet").line());
        assertEquals(0, berth.docker("network", "rm", "apinet").code());
        assertEquals(1, berth.docker("network", "inspect", "apinet").code());
    }

    @Test
    void containerPruneRemovesOnlyStoppedContainers() {
        String stopped = berth.docker("create", "busybox", "true").line();
        assertEquals(0, berth.docker("run", "-d", "--name", "kept", "busybox", "sleep", "600")
                .code());
        ServiceUnderTest.Result prune = berth.docker("container", "prune", "-f");
        assertEquals(0, prune.code(), prune.err());
        assertTrue(prune.out().contains(stopped), prune.out());
        assertEquals(1, berth.docker("inspect", stopped).code());
        assertEquals("running", berth.docker("inspect", "--format", "{{.State.Status}}", "kept")
                .line());
        forceRemove("kept");
    }

    @Test
    void logsFollowUntilTheContainerExits() {
        assertEquals(0, berth.docker("run", "-d", "--name", "follower", "busybox", "sh", "-c",
                "echo one; sleep 1; echo two").code());
        ServiceUnderTest.Result logs = berth.docker("logs", "-f", "follower");
        assertEquals(0, logs.code(), logs.err());
        assertEquals("one\ntwo\n", logs.out());
        forceRemove("follower");
    }

    @Test
    void runWithATerminalGivesRawOutputAndTheExitCode() {
        // script(1) gives the docker CLI a terminal of its own, as a person's would be.
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", ServiceUnderTest.DOCKER
                + " run -it --rm busybox sh -c 'tty; exit 7'", "/dev/null");
        pb.environment().put("DOCKER_HOST", "unix://" + berth.socket);
        pb.environment().put("DOCKER_CONFIG", berth.dir.resolve("docker-config").toString());
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(7, p.exitValue(), out);
            assertTrue(out.contains("/dev/pts/0\r\n"), out);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWaitForRemovalSeesARemovalByTheBerthCli() throws Exception {
        String id = berth.docker("create", "busybox", "true").line();
        try (var wait = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            wait.connect(java.net.UnixDomainSocketAddress.of(berth.socket));
            wait.write(java.nio.ByteBuffer.wrap(("POST /v1.44/containers/" + id
                    + "/wait?condition=removed HTTP/1.1\r\nHost: x\r\nContent-Length: 0"
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            Thread.sleep(300);
            assertEquals(0, io.berth.cli.Main.run("--root", berth.config.root().toString(),
                    "--runroot", berth.config.runroot().toString(), "rm", id));
            String answer = new String(java.nio.channels.Channels.newInputStream(wait)
                    .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.contains("{\"Error\":null,\"StatusCode\":0}"), answer);
        }
    }

    @Test
    void aRemovedContainersNameIsFreeAtOnceAndItsFolderGoesSoonAfter() throws Exception {
        ServiceUnderTest.Result run = berth.docker("run", "--name", "brief", "--network", "none",
                "busybox", "true");
        assertEquals(0, run.code(), run.err());
        String id = berth.docker("inspect", "--format", "{{.Id}}", "brief").line();
        Path containers = berth.config.root().resolve("containers");
        assertTrue(Files.isDirectory(containers.resolve(id)));

        assertEquals(0, berth.docker("rm", "brief").code());
        ServiceUnderTest.Result again = berth.docker("create", "--name", "brief", "busybox");
        assertEquals(0, again.code(), again.err());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !leftOf(containers, id).isEmpty()) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), leftOf(containers, id));
        forceRemove("brief");
    }

    /** The container's folder, or the one it was moved aside to, while either is there. */
    private static List<String> leftOf(Path containers, String id) throws IOException {
        try (var entries = Files.list(containers)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.contains(id))
                    .toList();
        }
    }
}
