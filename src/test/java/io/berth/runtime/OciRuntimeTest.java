package io.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.sys.Errno;
import io.berth.sys.Sys;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real containers from the busybox fixture, through the real shim. */
@Tag("privileged")
class OciRuntimeTest {
    private Path work;
    private Path stateRoot;
    private Path log;
    private TestBundle bundle;
    private OciRuntime runtime;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createTempDirectory("berth-runtime-test");
        TestBundle.open(work);
        stateRoot = work.resolve("state");
        log = work.resolve("ctr.log");
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

    private CreateOptions logged() {
        return new CreateOptions(false, log, null);
    }

    /** Runs the bundle to its end and returns its exit status. */
    private ExitStatus run(String id) throws Exception {
        runtime.create(id, bundle.write(), logged());
        runtime.start(id);
        return runtime.await(id);
    }

    /** The stdout (or stderr) text the log recorded. */
    private String logged(String stream) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ", 4);
            if (f[1].equals(stream)) {
                text.append(f.length > 3 ? f[3] : "").append(f[2].equals("F") ? "\n" : "");
            }
        }
        return text.toString();
    }

    private String stdoutOf(String... script) throws Exception {
        bundle.args("sh", "-c", String.join("; ", script));
        ExitStatus exit = run("c1");
        assertEquals(0, exit.exitCode(), () -> "stderr: " + safe("stderr"));
        return logged("stdout");
    }

    private String safe(String stream) {
        try {
            return logged(stream);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void processSeesItselfAsPidOne() throws Exception {
        assertEquals("1\n", stdoutOf("echo $$"));
    }

    @Test
    void newNamespacesDifferFromTheHostsAndAHostSharedKindIsEqual() throws Exception {
        bundle.withoutNamespace("ipc");
        List<String> kinds = List.of("mnt", "uts", "ipc", "pid", "net", "cgroup");
        String out = stdoutOf("for k in " + String.join(" ", kinds)
                + "; do readlink /proc/self/ns/$k; done");
        List<String> inside = out.lines().toList();
        for (int i = 0; i < kinds.size(); i++) {
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns", kinds.get(i))).toString();
            if (kinds.get(i).equals("ipc")) {
                assertEquals(host, inside.get(i));
            } else {
                assertNotEquals(host, inside.get(i), kinds.get(i));
            }
        }
    }

    @Test
    void hostnameIsTheSpecs() throws Exception {
        assertEquals("berth-test\n", stdoutOf("hostname"));
    }

    @Test
    void procSysAndDevAreMountedAsTheSpecSays() throws Exception {
        String mounts = stdoutOf("cat /proc/mounts");
        assertTrue(mounts.contains("proc /proc proc rw"), mounts);
        assertTrue(mounts.lines().anyMatch(l -> l.startsWith("sysfs /sys sysfs ro,")), mounts);
        assertTrue(mounts.contains(" /dev/pts devpts "), mounts);
        assertTrue(mounts.contains(" /dev/shm tmpfs "), mounts);
        assertTrue(mounts.contains(" /dev/mqueue mqueue "), mounts);
        assertTrue(mounts.lines().anyMatch(l -> l.startsWith("proc /proc/sys proc ro,")),
                "read-only path: " + mounts);
    }

    @Test
    void devHoldsTheDefaultDevicesAndLinks() throws Exception {
        String devs = stdoutOf("ls /dev", "stat -c '%t:%T' /dev/zero", "readlink /dev/ptmx");
        for (String d : List.of("null", "zero", "full", "random", "urandom", "tty", "ptmx",
                "pts", "shm", "mqueue", "fd", "stdin")) {
            assertTrue(devs.lines().anyMatch(d::equals), d + " in " + devs);
        }
        assertTrue(devs.contains("1:5\n"), devs);
        assertTrue(devs.contains("pts/ptmx\n"), devs);
    }

    @Test
    void maskedPathsShowNothing() throws Exception {
        assertEquals("0\n0\n", stdoutOf("wc -c < /proc/timer_list", "ls /sys/firmware | wc -l"));
    }

    @Test
    void exitCodeIsTheProcesssOwn() throws Exception {
        bundle.args("sh", "-c", "exit 3");
        ExitStatus exit = run("c1");
        assertEquals(3, exit.code());
        assertEquals(0, exit.signal());
        assertEquals(3, exit.exitCode());
        assertEquals(Status.STOPPED, runtime.state("c1").status());
        assertEquals(exit, runtime.exitStatus("c1").orElseThrow());
    }

    @Test
    void aProcessKilledBySignalNineExitsWith137() throws Exception {
        bundle.args("sleep", "100");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        assertEquals(Status.RUNNING, runtime.state("c1").status());
        runtime.kill("c1", 9);
        ExitStatus exit = runtime.await("c1");
        assertEquals(9, exit.signal());
        assertEquals(137, exit.exitCode());
    }

    @Test
    void killSendsThroughTheMonitorAndIsANoOpOnceTheProcessExited() throws Exception {
        bundle.args("sleep", "100");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        assertTrue(runtime.kill("c1", 0), "signal 0 probes a live process");
        assertTrue(runtime.kill("c1", 9));
        assertEquals(137, runtime.await("c1").exitCode());
        assertFalse(runtime.kill("c1", 9));
        assertFalse(runtime.kill("c1", 15));
    }

    @Test
    void theShimsExeIsASealedCopyThatCannotBeWrittenThroughProc() throws Exception {
        bundle.args("true");
        long pid = runtime.create("c1", bundle.write(), logged()).pid();
        long shimPid = new StateFolder(stateRoot.resolve("c1")).readState().shimPid();
        byte[] hostShim = Files.readAllBytes(OciRuntime.defaultShim());
        for (long p : List.of(pid, shimPid)) {
            Path exe = Path.of("/proc", Long.toString(p), "exe");
            assertTrue(Files.readSymbolicLink(exe).toString().startsWith("/memfd:berth-shim"),
                    () -> exe + " -> " + readLink(exe));
            assertThrows(IOException.class, () -> {
                try (var out = Files.newOutputStream(exe, StandardOpenOption.APPEND)) {
                    out.write(0);
                }
            }, exe + " opened and written");
        }
        assertArrayEquals(hostShim, Files.readAllBytes(OciRuntime.defaultShim()));
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void aMonitorThatExitedIsReapedNotLeftAZombie() throws Exception {
        bundle.args("true");
        runtime.create("c1", bundle.write(), logged());
        ProcessId monitor = ProcessId.of(
                new StateFolder(stateRoot.resolve("c1")).readState().shimPid());
        assertEquals("berth-shim", Files.readString(
                Path.of("/proc", Long.toString(monitor.pid()), "comm")).trim());
        runtime.start("c1");
        runtime.await("c1");
        Path proc = Path.of("/proc", Long.toString(monitor.pid()));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(proc) && monitor.equals(ProcessId.of(monitor.pid()))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(proc) && monitor.startTime() == startTimeOf(proc),
                "monitor " + monitor.pid() + " still in /proc (a zombie?)");
    }

    /** The start time of a process, even a zombie's (ProcessId.of refuses zombies). */
    private static long startTimeOf(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void theExitCommandRunsAfterTheExitFileIsWrittenAndIsReaped() throws Exception {
        Path seen = work.resolve("seen");
        Path exitFile = stateRoot.resolve("c1").resolve("exit");
        bundle.args("sh", "-c", "exit 3");
        runtime.create("c1", bundle.write(), logged().withExitCommand(List.of("/bin/sh", "-c",
                "echo $$ > " + seen + ".pid; cat " + exitFile + " > " + seen + ".tmp; mv "
                        + seen + ".tmp " + seen)));
        runtime.start("c1");
        runtime.await("c1");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(seen)) {
            assertTrue(System.nanoTime() < deadline, "the exit command did not run");
            Thread.sleep(10);
        }
        assertTrue(Files.readString(seen).startsWith("code=3\nsignal=0\n"),
                Files.readString(seen));
        Path proc = Path.of("/proc", Files.readString(Path.of(seen + ".pid")).trim());
        // The reaper waits for it at once; this host's pid 1 would take up to seconds.
        deadline = System.nanoTime() + 1_000_000_000L;
        while (Files.exists(proc)) {
            assertTrue(System.nanoTime() < deadline, "the exit command was not reaped");
            Thread.sleep(10);
        }
    }

    @Test
    void anInitAsPidOneReapsOrphansThatWouldStayZombies() throws Exception {
        bundle.config.putObject("annotations").put("io.berth.init", "true");
        // The orphan dies after sh has become sleep, which would never wait for it.
        bundle.args("sh", "-c", "(sleep 0.2 &); exec sleep 600");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        long init = runtime.state("c1").pid();
        assertEquals("berth-init", Files.readString(
                Path.of("/proc", Long.toString(init), "comm")).trim());
        // Until it exits, the orphan may show as init's second child.
        Thread.sleep(600);
        List<Long> children = childrenOf(init);
        assertEquals(1, children.size(), "only the command is left: " + children);
        assertEquals("sleep\u0000600\u0000", Files.readString(
                Path.of("/proc", Long.toString(children.get(0)), "cmdline")));
        assertEquals(List.of(), childrenOf(children.get(0)));
    }

    @Test
    void aTermToTheInitReachesTheCommand() throws Exception {
        bundle.config.putObject("annotations").put("io.berth.init", "true");
        bundle.args("sleep", "600");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        // Without init, sleep as pid 1 would get no default action for TERM and live on.
        assertTrue(runtime.kill("c1", 15));
        ExitStatus exit = runtime.await("c1");
        assertEquals(143, exit.exitCode());
    }

    /** The children of a process, zombies included, from /proc/PID/task/PID/children. */
    private static List<Long> childrenOf(long pid) throws IOException {
        String text = Files.readString(Path.of("/proc", Long.toString(pid), "task",
                Long.toString(pid), "children")).trim();
        return text.isEmpty() ? List.of()
                : Stream.of(text.split(" ")).map(Long::parseLong).toList();
    }

    @Test
    void createOfAMissingCommandFailsWithEnoentAndLeavesNothing() throws Exception {
        bundle.args("nosuch");
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> runtime.create("c1", bundle.write(), logged()));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("exec: \"nosuch\": executable file not found in $PATH", e.getMessage());
        assertNothingLeftOf("c1");
    }

    @Test
    void aCgroupThatHoldsAnotherContainersProcessesIsRefusedAndThatContainerLives()
            throws Exception {
        bundle.args("sleep", "600");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        OciRuntime other = new OciRuntime(work.resolve("other-state"), OciRuntime.defaultShim(),
                new TestCgroups(), Sys.linux());
        try {
            ContainerStartException e = assertThrows(ContainerStartException.class,
                    () -> other.create("c1", bundle.write(), logged()));
            assertTrue(e.getMessage().contains("already holds 1 process(es) of another"),
                    e.getMessage());
            assertEquals(List.of(), other.list(), "nothing made in the second state root");
        } finally {
            other.close();
        }
        assertEquals(Status.RUNNING, runtime.state("c1").status());
    }

    @Test
    void createOfANonExecutableFileFailsWithEacces() throws Exception {
        bundle.args("/etc/passwd");
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> runtime.create("c1", bundle.write(), logged()));
        assertEquals(Errno.EACCES, e.errno());
        assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
    }

    @Test
    void aFailingMountNamesItsStepAndErrno() throws Exception {
        bundle.args("true").mount("/x", "nosuchfs", "none");
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> runtime.create("c1", bundle.write(), logged()));
        assertEquals("mount nosuchfs on /x: ENODEV", e.getMessage());
        assertEquals(19, e.errno());
        assertNothingLeftOf("c1");
    }

    @Test
    void outputReachesTheLogAndAnAttachedClientWithStreamsToldApart() throws Exception {
        bundle.args("sh", "-c", "echo out; echo err >&2; printf partial");
        runtime.create("c1", bundle.write(), logged());
        try (Attachment attachment = runtime.attach("c1")) {
            runtime.start("c1");
            Map<Integer, String> frames = readFrames(attachment);
            assertEquals("out\npartial", frames.get(1));
            assertEquals("err\n", frames.get(2));
        }
        runtime.await("c1");
        assertEquals("out\npartial", logged("stdout"));
        assertEquals("err\n", logged("stderr"));
        assertTrue(Files.readAllLines(log).stream().anyMatch(l -> l.matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z stdout P partial")));
    }

    @Test
    void stdinFlowsFromTheAttachedClientUntilItCloses() throws Exception {
        bundle.args("sh", "-c", "tr a-z A-Z; echo done");
        runtime.create("c1", bundle.write(), new CreateOptions(true, log, null));
        try (Attachment attachment = runtime.attach("c1")) {
            runtime.start("c1");
            attachment.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
            attachment.stdin().close();
            assertEquals("HELLO\ndone\n", readFrames(attachment).get(1));
        }
        assertEquals(0, runtime.await("c1").exitCode());
    }

    @Test
    void aUserNamespaceMapsRootToTheHostRange() throws Exception {
        TestBundle.run("chown", "-R", "100000:100000", bundle.rootfs.toString());
        bundle.withUserNamespace(100000, 65536).args("sh", "-c",
                "id -u; echo x > /dev/null && head -c 3 /dev/zero | wc -c");
        RuntimeState created = runtime.create("c1", bundle.write(), logged());
        String map = Files.readString(Path.of("/proc", Long.toString(created.pid()), "uid_map"));
        assertEquals(List.of("0", "100000", "65536"),
                List.of(map.trim().split("\\s+")));
        runtime.start("c1");
        assertEquals(0, runtime.await("c1").exitCode(), () -> safe("stderr"));
        assertEquals("0\n3\n", logged("stdout"));
    }

    @Test
    void theContainerOutlivesTheRuntimeObjectThatMadeIt() throws Exception {
        // As pid 1 of its namespace, the shell gets SIGTERM only because it traps it.
        bundle.args("sh", "-c", "trap 'exit 7' TERM; echo trapped; sleep 100 & wait");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        // A TERM before the trap would be dropped: pid 1 gets no default signal actions.
        awaitLogged("trapped\n");
        long pid = runtime.state("c1").pid();

        OciRuntime second = new OciRuntime(stateRoot, OciRuntime.defaultShim(),
                new TestCgroups(), Sys.linux());
        assertEquals(List.of("c1"), second.list());
        assertEquals(Status.RUNNING, second.state("c1").status());
        assertEquals(pid, second.state("c1").pid());
        second.kill("c1", 15);
        assertEquals(7, second.await("c1").exitCode());
        second.delete("c1", false);
        assertEquals(List.of(), second.list());
    }

    @Test
    void forcedDeleteOfARunningContainerLeavesNoProcessCgroupOrState() throws Exception {
        bundle.args("sleep", "100");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        ProcessId process = ProcessId.of(runtime.state("c1").pid());
        assertThrows(ContainerStateException.class, () -> runtime.delete("c1", false));

        runtime.delete("c1", true);
        assertFalse(process.alive());
        assertNothingLeftOf("c1");
    }

    @Test
    void aStateRootOfAHundredAndFiftyCharactersServesEverySocket() throws Exception {
        String base = work.toString() + "/";
        Path longRoot = Path.of(base + "r".repeat(150 - base.length()));
        assertEquals(150, longRoot.toString().length());
        bundle.args("sh", "-c", "read line; echo got $line; sleep 100");
        try (OciRuntime deep = new OciRuntime(longRoot, OciRuntime.defaultShim(),
                new TestCgroups(), Sys.linux())) {
            deep.create("c1", bundle.write(), new CreateOptions(true, log, null));
            try (Attachment attachment = deep.attach("c1")) {
                deep.start("c1");
                attachment.stdin().write("x\n".getBytes(StandardCharsets.UTF_8));
                try (ExecSession exec = deep.exec("c1", ExecSpec.of(List.of("echo", "in")))) {
                    assertEquals("in\n", readFrames(exec.attachment()).get(1));
                    assertEquals(0, exec.awaitExit().exitCode());
                }
                assertTrue(deep.kill("c1", 9));
                assertEquals("got x\n", readFrames(attachment).get(1));
            }
            assertEquals(137, deep.await("c1").exitCode());
            deep.delete("c1", false);
            assertEquals(List.of(), deep.list());
        }
    }

    @Test
    void aSecondCreateWithTheSameIdIsAConflict() throws Exception {
        bundle.args("true");
        runtime.create("c1", bundle.write(), logged());
        assertThrows(ContainerStateException.class,
                () -> runtime.create("c1", bundle.write(), logged()));
        assertEquals(Status.CREATED, runtime.state("c1").status());
    }

    @Test
    void stateOfAnUnknownIdIsNoSuchContainer() {
        assertThrows(NoSuchContainerException.class, () -> runtime.state("nope"));
    }

    @Test
    void pauseFreezesAndResumeThaws() throws Exception {
        bundle.args("sleep", "100");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        runtime.pause("c1");
        assertEquals(Status.PAUSED, runtime.state("c1").status());
        runtime.resume("c1");
        assertEquals(Status.RUNNING, runtime.state("c1").status());
    }

    @Test
    void theMonitorStaysUnderOneMebibyteOfResidentMemory() throws Exception {
        bundle.args("sleep", "100");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        long shimPid = new StateFolder(stateRoot.resolve("c1")).readState().shimPid();
        long rssKib = Files.readAllLines(Path.of("/proc", Long.toString(shimPid), "status"))
                .stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                .orElseThrow();
        assertTrue(rssKib < 1024, "monitor RSS " + rssKib + " KiB");
    }

    @Test
    void aClosedRuntimesReaperServesTheNextRuntimeWhileItsContainersRun() throws Exception {
        bundle.args("sleep", "100");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        long start = System.nanoTime();
        runtime.close();
        long closeMs = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(300); // time for the reaper to act on close's SIGTERM, whatever it does
        runtime = new OciRuntime(stateRoot, OciRuntime.defaultShim(), new TestCgroups(),
                Sys.linux());
        runtime.create("c2", bundle.inCgroup("c2").write(), logged());
        runtime.start("c2");
        assertEquals(parentOf(monitorOf("c1")), parentOf(monitorOf("c2")),
                "one reaper for both monitors");
        assertTrue(closeMs < 1000, "close waited " + closeMs + " ms for a reaper that stays");
    }

    @Test
    void anotherShimBuildGetsAReaperOfItsOwnBesideTheRunningOne() throws Exception {
        bundle.args("sleep", "100");
        runtime.create("c1", bundle.write(), logged());
        runtime.start("c1");
        // A newer build of the shim: another binary, as an upgrade leaves it.
        Path upgraded = stateRoot.getParent().resolve("berth-shim-upgraded");
        Files.copy(OciRuntime.defaultShim(), upgraded);
        Files.setLastModifiedTime(upgraded, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(OciRuntime.defaultShim()).toMillis() + 60_000));
        try (OciRuntime newer = new OciRuntime(stateRoot, upgraded, new TestCgroups(),
                Sys.linux())) {
            newer.create("c2", bundle.inCgroup("c2").write(), logged());
            newer.start("c2");
            long oldReaper = parentOf(monitorOf("c1"));
            long newReaper = parentOf(monitorOf("c2"));
            assertTrue(oldReaper != newReaper, "the old build's reaper keeps only its own");
            String oldDir = cmdline(oldReaper);
            String newDir = cmdline(newReaper);
            assertTrue(oldDir.contains("/.reapers/") && newDir.contains("/.reapers/")
                    && !oldDir.equals(newDir), oldDir + " / " + newDir);
            newer.delete("c2", true);
        } finally {
            Files.deleteIfExists(upgraded);
        }
    }

    private static String cmdline(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    }

    private long monitorOf(String id) {
        return new StateFolder(stateRoot.resolve(id)).readState().shimPid();
    }

    private static long parentOf(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).orElseThrow().pid();
    }

    @Test
    void capabilitiesRlimitsAndNoNewPrivilegesAreThePlans() throws Exception {
        String status = stdoutOf("grep -E '^(CapBnd|CapEff|NoNewPrivs)' /proc/self/status",
                "ulimit -n");
        // CHOWN, KILL, SETGID, SETUID, NET_BIND_SERVICE and AUDIT_WRITE: bits 0 5 6 7 10 29.
        assertTrue(status.contains("CapBnd:\t00000000200004e1"), status);
        assertTrue(status.contains("CapEff:\t00000000200004e1"), status);
        assertTrue(status.contains("NoNewPrivs:\t1"), status);
        assertTrue(status.endsWith("1024\n"), status);
    }

    @Test
    void aNonRootUserRunsWithItsGroupsAndNoEffectiveCapabilities() throws Exception {
        bundle.config.withObject("/process").putObject("user").put("uid", 1000)
                .put("gid", 1000).putArray("additionalGids").add(10).add(20);
        String out = stdoutOf("id", "grep CapEff /proc/self/status");
        assertTrue(out.startsWith("uid=1000 gid=1000 groups=10,20\n"), out);
        assertTrue(out.contains("CapEff:\t0000000000000000"), out);
    }

    @Test
    void aReadOnlyRootAndReadOnlyPathsRefuseWrites() throws Exception {
        bundle.config.withObject("/root").put("readonly", true);
        bundle.args("sh", "-c", "touch /x || echo root-ro; echo 1 > /proc/sys/kernel/domainname"
                + " || echo sys-ro; touch /dev/shm/ok && echo shm-rw");
        run("c1");
        String out = logged("stdout");
        assertEquals("root-ro\nsys-ro\nshm-rw\n", out);
        assertFalse(Files.exists(bundle.rootfs.resolve("x")));
    }

    @Test
    void theCgroupMountShowsTheContainersOwnCgroupPerV1Hierarchy() throws Exception {
        bundle.mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "ro");
        String out = stdoutOf("cat /sys/fs/cgroup/pids/cgroup.procs",
                "touch /sys/fs/cgroup/x || echo ro", "ls /sys/fs/cgroup");
        assertTrue(out.lines().anyMatch("1"::equals), out);
        assertTrue(out.contains("ro\n"), out);
        assertTrue(out.contains("freezer\n"), out);
    }

    @Test
    void aTimeNamespaceShiftsTheBootClock() throws Exception {
        ObjectNode linux = bundle.config.withObject("/linux");
        ((ArrayNode) linux.get("namespaces")).addObject().put("type", "time");
        linux.putObject("timeOffsets").putObject("boottime").put("secs", 1_000_000)
                .put("nanosecs", 0);
        String uptime = stdoutOf("cut -d. -f1 /proc/uptime");
        double hostUptime = Double.parseDouble(
                Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        long inside = Long.parseLong(uptime.trim());
        assertTrue(inside >= 1_000_000 + (long) hostUptime - 5, uptime);
    }

    @Test
    void aMountDestinationThroughASymlinkStaysInsideTheRootfs() throws Exception {
        Path outside = work.resolve("outside");
        Files.createDirectory(outside);
        Files.createSymbolicLink(bundle.rootfs.resolve("evil"), outside);
        bundle.mount("/evil/inner", "tmpfs", "tmpfs").args("sh", "-c",
                "grep -c '/outside/inner tmpfs ' /proc/mounts");
        run("c1");
        assertEquals("1\n", logged("stdout"), () -> safe("stderr"));
        assertEquals(List.of(), Files.list(outside).toList());
        assertTrue(Files.isDirectory(bundle.rootfs.resolve(outside.toString().substring(1))
                .resolve("inner")));
    }

    @Test
    void aReadOnlyBindMountShowsTheHostFileAndRefusesWrites() throws Exception {
        Path data = work.resolve("data.txt");
        Files.writeString(data, "from the host\n");
        bundle.mount("/etc/data.txt", "bind", data.toString(), "rbind", "ro").args("sh", "-c",
                "cat /etc/data.txt; echo x >> /etc/data.txt || echo refused");
        run("c1");
        assertEquals("from the host\nrefused\n", logged("stdout"));
        assertEquals("from the host\n", Files.readString(data));
    }

    @Test
    void sysctlsOomScoreAndLoopbackAreSetBeforeExec() throws Exception {
        bundle.config.withObject("/linux").putObject("sysctl").put("net.ipv4.ip_forward", "1");
        bundle.config.withObject("/process").put("oomScoreAdj", 500);
        String out = stdoutOf("cat /proc/sys/net/ipv4/ip_forward", "cat /proc/self/oom_score_adj",
                "cat /sys/class/net/lo/flags");
        assertEquals("1\n500\n0x9\n", out);
    }

    @Test
    void aNamespaceWithAPathIsJoined() throws Exception {
        bundle.args("sleep", "100");
        long first = runtime.create("first", bundle.write(), logged()).pid();
        String net = "/proc/" + first + "/ns/net";
        ArrayNode namespaces = (ArrayNode) bundle.withoutNamespace("network").config
                .withObject("/linux").get("namespaces");
        namespaces.addObject().put("type", "network").put("path", net);
        bundle.config.withObject("/linux").put("cgroupsPath", bundle.cgroupsPath + "-2");
        bundle.args("readlink", "/proc/self/ns/net");
        try {
            run("second");
            assertEquals(Files.readSymbolicLink(Path.of(net)) + "\n", logged("stdout"));
        } finally {
            runtime.delete("second", true);
            new TestCgroups().destroy(bundle.cgroupsPath + "-2");
        }
    }

    @Test
    void onlyStdioReachesTheContainer() throws Exception {
        String fds = stdoutOf("ls -l /proc/$$/fd");
        assertEquals(3, fds.lines().filter(l -> l.contains(" -> ")).count(), fds);
    }

    @Test
    void createOfAFileThatIsNeitherElfNorScriptFailsWithEnoexec() throws Exception {
        Path file = bundle.rootfs.resolve("notaprogram");
        Files.writeString(file, "just words\n");
        Files.setPosixFilePermissions(file,
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        bundle.args("/notaprogram");
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> runtime.create("c1", bundle.write(), logged()));
        assertEquals(8, e.errno());
        assertEquals("exec: \"/notaprogram\": exec format error", e.getMessage());
        assertNothingLeftOf("c1");
    }

    @Test
    void aTerminalIsTheProcesssControllingTtyAndCanBeResized() throws Exception {
        ObjectNode process = bundle.config.withObject("/process").put("terminal", true);
        process.putObject("consoleSize").put("height", 30).put("width", 100);
        bundle.args("sh", "-c", "tty; stty size; read line; stty size; echo got $line");
        runtime.create("c1", bundle.write(), new CreateOptions(true, log, null));
        try (Attachment attachment = runtime.attach("c1")) {
            runtime.start("c1");
            readUntil(attachment, "30 100");
            runtime.resize("c1", 40, 120);
            attachment.stdin().write("hi\n".getBytes(StandardCharsets.UTF_8));
            Map<Integer, String> frames = readFrames(attachment);
            assertTrue(frames.get(1).contains("40 120"), frames.get(1));
            assertTrue(frames.get(1).contains("got hi"), frames.get(1));
            assertEquals("", frames.get(2));
        }
        assertEquals(0, runtime.await("c1").exitCode());
        // The tty ends lines with \r\n; reading the log by lines drops the \r.
        assertTrue(logged("stdout").startsWith("/dev/pts/0\n30 100\n"), safe("stdout"));
    }

    private void awaitLogged(String stdout) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(Files.exists(log) && logged("stdout").contains(stdout))) {
            assertTrue(System.nanoTime() < deadline, "waiting for " + stdout + " in the log");
            Thread.sleep(10);
        }
    }

    /** Reads frames until their text holds the marker. */
    private static void readUntil(Attachment attachment, String marker) throws IOException {
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

    private void assertNothingLeftOf(String id) {
        assertFalse(Files.exists(stateRoot.resolve(id)), "state folder");
        assertEquals(List.of(), runtime.list());
        for (String c : TestCgroups.CONTROLLERS) {
            assertFalse(Files.exists(TestCgroups.dir(c, bundle.cgroupsPath)), c + " cgroup");
        }
    }

    /** Reads Docker frames to EOF: stream number to the text it carried. */
    private static Map<Integer, String> readFrames(Attachment attachment) throws IOException {
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
