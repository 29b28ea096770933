package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The main job end to end: real containers from the fixture image, in real namespaces, checked
 * from the host side by their /proc/PID/ns inodes.
 */
@Tag("privileged")
class ContainerLifecycleTest {
    private static BerthCli berth;

    @BeforeAll
    static void loadBusybox() {
        berth = new BerthCli();
        BerthCli.Result load = berth.run("load", "-i",
                BerthCli.fixtures().resolve("busybox-docker-archive.tar").toString());
        assertEquals(0, load.code(), load.err());
        assertEquals("Loaded image: busybox:latest", load.line());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    /** A namespace link; pid 1 stands for the host (this test runs in the host's namespaces). */
    private static String ns(long pid, String kind) throws IOException {
        String process = pid == 1 ? "self" : Long.toString(pid);
        return Files.readSymbolicLink(Path.of("/proc/" + process + "/ns/" + kind)).toString();
    }

    private static long pidOf(String name) {
        return Long.parseLong(berth.run("inspect", "--format", "{{.State.Pid}}", name).line());
    }

    @Test
    void runRmPrintsOutputAsPidOneAndLeavesNothingBehind() {
        BerthCli.Result r = berth.run("run", "--rm", "busybox", "sh", "-c",
                "echo $$; hostname; echo err >&2");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("1", lines[0]);
        assertTrue(lines[1].matches("[0-9a-f]{12}"), lines[1]);
        assertEquals("err\n", r.err());
        assertEquals("", berth.run("ps", "-a", "-q").out());
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    @Test
    void aWorkingFolderTheImageLacksIsMadeAsDockerMakesIt() {
        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", "-w", "/new/dir",
                "busybox", "pwd");
        assertEquals(0, r.code(), r.err());
        assertEquals("/new/dir\n", r.out());
    }

    @Test
    void aFileThatIsNoTarIsNotImportedAndAFolderThatIsNoImageIsNotRead() throws IOException {
        Path garbage = berth.dir.resolve("garbage.tar");
        Files.writeString(garbage, "garbage");
        BerthCli.Result imported = berth.run("import", garbage.toString(), "junk:1");
        assertEquals(1, imported.code(), imported.out());
        assertTrue(imported.err().contains("is not a readable tar"), imported.err());
        assertEquals("", berth.run("images", "-q", "junk").out());
        Path folder = Files.createDirectories(berth.dir.resolve("not-an-image"));
        Files.copy(garbage, folder.resolve("layer.tar"));
        BerthCli.Result loaded = berth.run("load", "-i", folder.toString());
        assertEquals(1, loaded.code(), loaded.out());
        assertTrue(loaded.err().contains("has neither manifest.json nor index.json"),
                loaded.err());
    }

    @Test
    void argumentsAndEnvironmentKeepTheirNewlinesTabsAndBackslashes() {
        // A multi-line `sh -c` script and a certificate-like value, as docker passes them.
        BerthCli.Result r = berth.run("run", "--rm", "-e", "CERT=-----BEGIN\nab\tc\\d",
                "busybox", "sh", "-c", "echo one\necho \"two\tthree\"\nprintf '%s|' \"$CERT\"");
        assertEquals(0, r.code(), r.err());
        assertEquals("one\ntwo\tthree\n-----BEGIN\nab\tc\\d|", r.out());
    }

    @Test
    void aDetachedContainerHasItsOwnNamespacesAndSharesUserAndTime() throws Exception {
        BerthCli.Result r = berth.run("run", "-d", "--name", "iso", "busybox", "sleep", "600");
        assertEquals(0, r.code(), r.err());
        String id = r.line();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        long pid = pidOf("iso");
        assertEquals(pid + ", /iso", berth.run("inspect", "--format",
                "{{.State.Pid}}, {{.Name}}", "iso").line());
        for (String kind : List.of("mnt", "uts", "ipc", "pid", "net", "cgroup")) {
            assertNotEquals(ns(1, kind), ns(pid, kind), kind + " should be isolated");
        }
        for (String kind : List.of("user", "time")) {
            assertEquals(ns(1, kind), ns(pid, kind), kind + " should be the host's");
        }
        assertFalse(BerthCli.cgroups(id).isEmpty(), "the container has a cgroup");
        assertTrue(berth.run("ps").out().contains("iso"));

        assertEquals(0, berth.run("rm", "-f", "iso").code());
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "process gone");
        assertTrue(BerthCli.cgroups(id).isEmpty(), "cgroup gone");
        assertTrue(berth.mounts().isEmpty(), "mounts gone");
        assertFalse(berth.run("ps", "-a").out().contains("iso"));
    }

    @Test
    void hostModesShareThoseNamespacesWithTheHost() throws Exception {
        BerthCli.Result r = berth.run("run", "-d", "--name", "shared", "--pid", "host",
                "--network", "host", "--ipc", "host", "--uts", "host", "--cgroupns", "host",
                "busybox", "sleep", "600");
        assertEquals(0, r.code(), r.err());
        long pid = pidOf("shared");
        for (String kind : List.of("pid", "net", "ipc", "uts", "cgroup")) {
            assertEquals(ns(1, kind), ns(pid, kind), kind + " should be shared");
        }
        assertNotEquals(ns(1, "mnt"), ns(pid, "mnt"));
        berth.run("rm", "-f", "shared");
    }

    @Test
    void usernsAutoMapsRootToAnUnprivilegedRangeAndTheRootfsStillWorks() {
        BerthCli.Result r = berth.run("run", "--rm", "--userns=auto", "busybox", "sh", "-c",
                "id -u; cat /proc/self/uid_map; touch /made-here && ls -n /made-here");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("0", lines[0]);
        String[] map = lines[1].trim().split("\\s+");
        assertEquals("0", map[0]);
        assertTrue(Long.parseLong(map[1]) >= 65536, "host id is unprivileged: " + map[1]);
        assertEquals("65536", map[2]);
        assertTrue(lines[2].contains(" 0 "), "root inside owns what it makes: " + lines[2]);
    }

    /**
     * A ping-like file: busybox's copy with cap_net_raw+ep, tarred by GNU tar. Run by a user
     * other than root, it holds CAP_NET_RAW (bit 13) in its permitted set, also where the
     * container's root is an unprivileged host uid and the layer was shifted to it.
     */
    @Test
    void aFileCapabilityGrantsItsCapabilityWithAndWithoutAnIdShift() throws Exception {
        Path root = Files.createDirectory(berth.dir.resolve("rootfs-caps"));
        Path tar = berth.dir.resolve("caps.tar");
        sh("tar -xOf '" + BerthCli.fixtures().resolve("busybox-docker-archive.tar") + "' "
                + BUSYBOX_LAYER + " | tar -x -C '" + root + "'"
                + " && mkdir '" + root + "/caps' && cp '" + root + "/bin/busybox' '" + root
                + "/caps/busybox'"
                + " && python3 -c 'import os, sys; os.setxattr(sys.argv[1], "
                + "\"security.capability\", bytes.fromhex(sys.argv[2]))' '" + root
                + "/caps/busybox' 0100000200200000000000000000000000000000"
                + " && tar --xattrs --xattrs-include='*' --format=posix -C '" + root
                + "' -cf '" + tar + "' . && rm -rf '" + root + "'");
        assertEquals(0, berth.run("import", tar.toString(), "caps:latest").code());

        for (List<String> userns : List.of(List.<String>of(), List.of("--userns=auto"))) {
            List<String> run = new java.util.ArrayList<>(List.of("run", "--rm", "-u", "1000"));
            run.addAll(userns);
            run.addAll(List.of("caps", "sh", "-c", "/caps/busybox grep CapPrm /proc/self/status;"
                    + " grep CapPrm /proc/self/status"));
            BerthCli.Result r = berth.run(run.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertEquals("CapPrm:\t0000000000002000\nCapPrm:\t0000000000000000\n", r.out(),
                    "only the file with the capability gets it " + userns);
        }
        berth.run("rmi", "caps");
    }

    private static final String BUSYBOX_LAYER =
            "770bdd23eef2ab503c845d042c91f9f5a650d0b41ca5f7a81e295bf2b57e0821/layer.tar";

    private static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).inheritIO().start();
        assertEquals(0, p.waitFor(), script);
    }

    @Test
    void timensPrivateGivesATimeNamespace() throws Exception {
        assertEquals(0, berth.run("run", "-d", "--name", "timed", "--timens", "private",
                "busybox", "sleep", "600").code());
        long pid = pidOf("timed");
        assertNotEquals(ns(1, "time"), ns(pid, "time"));
        berth.run("rm", "-f", "timed");
    }

    @Test
    void theContainerSeesAMinimalDevProcAndAReadOnlySys() {
        BerthCli.Result r = berth.run("run", "--rm", "busybox", "sh", "-c",
                "ls /dev; touch /sys/x 2>/dev/null && echo sys-writable; "
                        + "cat /proc/self/status | grep -c Pid; cat /etc/hostname; "
                        + "grep -c localhost /etc/hosts; test -f /etc/resolv.conf && echo rc");
        assertEquals(0, r.code(), r.err());
        List<String> out = List.of(r.out().split("\\s+"));
        assertTrue(out.containsAll(List.of("null", "zero", "full", "random", "urandom", "tty",
                "ptmx", "pts", "shm", "mqueue")), r.out());
        assertFalse(out.contains("sys-writable"));
        assertTrue(out.contains("rc"));
    }

    @Test
    void imageDefaultsAndFlagsShapeTheProcess() {
        BerthCli.Result r = berth.run("run", "--rm", "-e", "GREETING=hi", "-w", "/tmp", "-u",
                "nobody", "busybox", "sh", "-c", "echo $GREETING $PWD $(id -u) $PATH");
        assertEquals(0, r.code(), r.err());
        assertEquals("hi /tmp 65534 /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                r.line());
        BerthCli.Result entry = berth.run("run", "--rm", "--entrypoint", "echo", "busybox",
                "a", "b");
        assertEquals("a b", entry.line());
    }

    @Test
    void stdinReachesTheContainerWithDashI() {
        BerthCli.Result r = berth.runWithInput(new ByteArrayInputStream(
                "from stdin\n".getBytes(StandardCharsets.UTF_8)), "run", "--rm", "-i",
                "busybox", "cat");
        assertEquals(0, r.code(), r.err());
        assertEquals("from stdin", r.line());
    }

    @Test
    void exitCodesFollowDocker() {
        assertEquals(3, berth.run("run", "--rm", "busybox", "sh", "-c", "exit 3").code());
        String killed = berth.run("run", "-d", "busybox", "sleep", "600").line();
        berth.run("kill", killed);
        assertEquals("137", berth.run("wait", killed).line(), "killed by signal 9");
        berth.run("rm", killed);
        BerthCli.Result missing = berth.run("run", "--rm", "busybox", "nosuch");
        assertEquals(127, missing.code(), missing.err());
        assertTrue(missing.err().contains("nosuch"), missing.err());
        assertEquals(126, berth.run("run", "--rm", "busybox", "/etc/passwd").code());
        assertEquals("", berth.run("ps", "-a", "-q").out(), "failed runs leave no container");
        assertTrue(berth.mounts().isEmpty());
    }

    @Test
    void badInputGetsOneLineAndExit125() {
        BerthCli.Result image = berth.run("run", "--rm", "nosuchimage", "true");
        assertEquals(125, image.code());
        assertTrue(image.err().contains("Unable to find image 'nosuchimage"), image.err());

        assertEquals(0, berth.run("create", "--name", "taken", "busybox", "true").code());
        BerthCli.Result taken = berth.run("run", "--name", "taken", "busybox", "true");
        assertEquals(125, taken.code());
        assertTrue(taken.err().contains("is already in use"), taken.err());
        assertEquals(1, taken.err().strip().lines().count(), taken.err());

        BerthCli.Result invalid = berth.run("run", "--name", "bad name", "busybox", "true");
        assertEquals(125, invalid.code());
        assertTrue(invalid.err().contains("Invalid container name"), invalid.err());
        berth.run("rm", "taken");
        assertEquals("", berth.run("ps", "-a", "-q").out());
    }

    @Test
    void createStartAttachStopKillWaitWorkAsDockers() {
        String id = berth.run("create", "--name", "life", "busybox", "sh", "-c",
                "echo started; exit 7").line();
        assertTrue(berth.run("ps", "-a").out().contains("Created"));
        BerthCli.Result start = berth.run("start", "-a", "life");
        assertEquals(7, start.code());
        assertEquals("started", start.line());
        assertEquals("7", berth.run("wait", id.substring(0, 8)).line());
        assertTrue(berth.run("ps", "-a", "--format", "{{.Status}}").line()
                .startsWith("Exited (7)"));
        berth.run("rm", "life");

        // A shell as PID 1 that traps TERM ends by it; sleep as PID 1 ignores it (as in docker).
        berth.run("run", "-d", "--name", "trapper", "busybox", "sh", "-c",
                "trap 'exit 143' TERM; sleep 600 & wait");
        assertEquals(0, berth.run("stop", "-t", "5", "trapper").code());
        assertEquals("143", berth.run("wait", "trapper").line());
        berth.run("rm", "trapper");

        berth.run("run", "-d", "--name", "sleeper", "busybox", "sleep", "600");
        assertEquals(0, berth.run("stop", "-t", "1", "sleeper").code());
        assertEquals("137", berth.run("wait", "sleeper").line(), "KILL after the timeout");

        berth.run("rm", "sleeper");

        berth.run("run", "-d", "--name", "signalled", "busybox", "sh", "-c",
                "trap 'exit 42' USR1; sleep 600 & wait");
        assertEquals(0, berth.run("kill", "-s", "USR1", "signalled").code());
        assertEquals("42", berth.run("wait", "signalled").line());
        BerthCli.Result notRunning = berth.run("kill", "signalled");
        assertEquals(1, notRunning.code());
        berth.run("rm", "signalled");
    }

    @Test
    void aRunningContainerIsRemovedOnlyWithForce() {
        berth.run("run", "-d", "--name", "busy", "busybox", "sleep", "600");
        BerthCli.Result refused = berth.run("rm", "busy");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("container is running"), refused.err());
        assertEquals(0, berth.run("rm", "-f", "busy").code());
    }

    @Test
    void anatomyShowsEachNamespaceBesideTheHosts() throws Exception {
        berth.run("run", "-d", "--name", "anat", "busybox", "sleep", "600");
        long pid = pidOf("anat");
        String table = berth.run("anatomy", "anat").out();
        String netInode = ns(pid, "net").replaceAll("\\D", "");
        assertTrue(table.contains(netInode), table);
        assertTrue(table.contains("isolated") && table.contains("shared"), table);
        String json = berth.run("anatomy", "--format", "json", "anat").out();
        assertTrue(json.contains(netInode), json);
        assertTrue(berth.run("anatomy", "--pid", Long.toString(pid)).out().contains(netInode));
        berth.run("rm", "-f", "anat");
    }

    @Test
    void shortIdPrefixesWorkWhereAnIdDoes() {
        String id = berth.run("create", "busybox", "true").line();
        String name = berth.run("inspect", "--format", "{{.Name}}", id.substring(0, 5)).line();
        assertTrue(name.matches("/[a-z]+_[a-z]+"), name);
        assertEquals(0, berth.run("rm", id.substring(0, 12)).code());
        assertEquals(1, berth.run("inspect", id).code());
    }

    @Test
    void aDamagedArchiveIsRefusedAndNothingIsStored() throws IOException {
        Path bad = berth.dir.resolve("bad.tar");
        byte[] good = Files.readAllBytes(BerthCli.fixtures().resolve(
                "busybox-docker-archive.tar"));
        Files.write(bad, java.util.Arrays.copyOf(good, good.length / 3));
        String before = berth.run("images", "-q").out();
        BerthCli.Result r = berth.run("load", "-i", bad.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(before, berth.run("images", "-q").out());
    }

    @Test
    void containerIdsAreCleanedFromCgroupsAfterTheyExit() {
        BerthCli.Result r = berth.run("run", "-d", "busybox", "true");
        String id = r.line();
        assertEquals("0", berth.run("wait", id).line());
        assertTrue(BerthCli.cgroups(id).isEmpty());
        berth.run("rm", id);
        assertEquals(1, berth.run("inspect", id).code());
    }
}
