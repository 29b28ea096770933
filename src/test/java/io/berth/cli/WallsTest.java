package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The walls around a container, seen from the host (its /proc/PID/status, cgroup files and
 * mountinfo) and from inside (busybox as the probe): capabilities, seccomp, no_new_privs,
 * limits, devices, sysctls, a read-only root.
 */
@Tag("privileged")
class WallsTest {
    private static final Path CGROUP = Path.of("/sys/fs/cgroup");
    private static BerthCli berth;

    @BeforeAll
    static void start() {
        berth = BerthCli.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    /** Runs a container in the background that sleeps; its id. */
    private static String sleeper(String... flags) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "-d", "--network", "none"));
        args.addAll(List.of(flags));
        args.addAll(List.of("busybox", "sleep", "600"));
        BerthCli.Result r = berth.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r.line();
    }

    /** Runs a container to its end; what it printed and its code. */
    static BerthCli.Result once(String... flagsImageAndCommand) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--rm", "--network",
                "none"));
        args.addAll(List.of(flagsImageAndCommand));
        return berth.run(args.toArray(String[]::new));
    }

    static long pid(String id) {
        return Long.parseLong(berth.run("inspect", "--format", "{{.State.Pid}}", id).line());
    }

    /** A field of /proc/PID/status, such as CapEff or Seccomp. */
    static String status(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith(field + ":")).findFirst().orElseThrow()
                .substring(field.length() + 1).strip();
    }

    private static boolean v1() {
        return !Files.exists(CGROUP.resolve("cgroup.controllers"));
    }

    /** A file of the container's cgroup: in a v1 controller's hierarchy, or the v2 tree. */
    private static String cgroupFile(String id, String controller, String file)
            throws IOException {
        Path dir = v1() ? CGROUP.resolve(controller).resolve("berth").resolve(id)
                : CGROUP.resolve("berth").resolve(id);
        return Files.readString(dir.resolve(file)).strip();
    }

    private static void remove(String id) {
        assertEquals(0, berth.run("rm", "-f", id).code());
        assertTrue(BerthCli.cgroups(id).isEmpty(), "no cgroup is left of " + id);
    }

    @Test
    void everyContainerHasDockersCapabilitiesAndTheDefaultSeccompFilter() throws Exception {
        String id = sleeper();
        long pid = pid(id);
        assertEquals("00000000a80425fb", status(pid, "CapEff"));
        assertEquals("00000000a80425fb", status(pid, "CapBnd"));
        assertEquals("2", status(pid, "Seccomp"), "filter mode");
        assertEquals("0", status(pid, "NoNewPrivs"));
        remove(id);
        BerthCli.Result probe = once("busybox", "unshare", "-U", "true");
        assertNotEquals(0, probe.code(), "the default profile refuses unshare without "
                + "CAP_SYS_ADMIN");
        assertTrue(probe.err().contains("Operation not permitted"), probe.err());
    }

    @Test
    void seccompUnconfinedLiftsTheFilter() throws Exception {
        String id = sleeper("--security-opt", "seccomp=unconfined");
        assertEquals("0", status(pid(id), "Seccomp"));
        remove(id);
        assertEquals(0, once("--security-opt", "seccomp=unconfined", "busybox", "unshare", "-U",
                "true").code());
    }

    @Test
    void aSeccompProfileFileIsReadAndApplied() throws Exception {
        Path profile = berth.dir.resolve("no-mkdir.json");
        Files.writeString(profile, """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": []},
                             {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": []}],
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO",
                               "errnoRet": 1}]}
                """);
        BerthCli.Result r = once("--security-opt", "seccomp=" + profile, "busybox", "sh", "-c",
                "grep Seccomp: /proc/self/status; mkdir /tmp/x || echo refused");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)Seccomp:\\s+2\nrefused\n"), r.out());
    }

    @Test
    void aBrokenSeccompProfileIsRefusedNamingWhatIsWrong() throws Exception {
        Path profile = berth.dir.resolve("broken.json");
        Files.writeString(profile, "{\"syscalls\": []}");
        String before = berth.run("ps", "-a", "-q").out();
        BerthCli.Result r = once("--security-opt", "seccomp=" + profile, "busybox", "true");
        assertEquals(125, r.code());
        assertTrue(r.err().contains("defaultAction"), r.err());
        BerthCli.Result missing = once("--security-opt", "seccomp=/no/such.json", "busybox",
                "true");
        assertEquals(125, missing.code());
        assertTrue(missing.err().contains("/no/such.json"), missing.err());
        assertEquals(before, berth.run("ps", "-a", "-q").out(), "no container was left");
    }

    @Test
    void noNewPrivilegesShowsInTheProcessStatus() throws Exception {
        String id = sleeper("--security-opt", "no-new-privileges");
        assertEquals("1", status(pid(id), "NoNewPrivs"));
        assertEquals("2", status(pid(id), "Seccomp"));
        remove(id);
        String off = sleeper("--security-opt", "no-new-privileges=false");
        assertEquals("0", status(pid(off), "NoNewPrivs"));
        remove(off);
    }

    @Test
    void capAddAndCapDropChangeTheEffectiveSet() throws Exception {
        String id = sleeper("--cap-drop", "ALL", "--cap-add", "NET_ADMIN", "--cap-add",
                "cap_kill");
        assertEquals(String.format("%016x", (1L << 12) | (1L << 5)), status(pid(id), "CapEff"));
        remove(id);
        String fewer = sleeper("--cap-drop", "CHOWN", "--cap-drop", "NET_RAW");
        assertEquals(String.format("%016x", 0xa80425fbL & ~1L & ~(1L << 13)),
                status(pid(fewer), "CapEff"));
        remove(fewer);
        assertEquals(125, once("--cap-add", "FLY", "busybox", "true").code());
    }

    @Test
    void privilegedHasEveryCapabilityNoSeccompHostDevicesAndStaysInItsOwnCgroup()
            throws Exception {
        String id = sleeper("--privileged");
        long pid = pid(id);
        String hostBounding = status(ProcessHandle.current().pid(), "CapBnd");
        assertEquals(hostBounding, status(pid, "CapEff"));
        assertEquals("0", status(pid, "Seccomp"));
        if (v1()) {
            assertEquals("a *:* rwm", cgroupFile(id, "devices", "devices.list"));
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String path = line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1);
            assertTrue(path.equals("/berth/" + id) || line.startsWith("0::"), line);
        }
        BerthCli.Result inside = berth.run("exec", id, "sh", "-c",
                "ls /dev/fuse; grep -q . /proc/timer_list && echo unmasked; "
                        + "grep -c ' /proc/sys ' /proc/mounts; grep ' /sys ' /proc/mounts "
                        + "| grep -c rw,");
        assertEquals("/dev/fuse\nunmasked\n0\n1\n", inside.out(), inside.err());
        String plain = sleeper();
        assertEquals("masked\n", berth.run("exec", plain, "sh", "-c",
                "grep -q . /proc/timer_list || echo masked").out());
        remove(plain);
        remove(id);
    }

    @Test
    void resourceFlagsLandInTheContainersCgroupFiles() throws Exception {
        String id = sleeper("--memory", "64m", "--memory-reservation", "32m", "--cpus", "1.5",
                "--cpu-shares", "512", "--cpuset-cpus", "0", "--pids-limit", "50");
        if (v1()) {
            assertEquals("67108864", cgroupFile(id, "memory", "memory.limit_in_bytes"));
            assertEquals("134217728", cgroupFile(id, "memory", "memory.memsw.limit_in_bytes"));
            assertEquals("33554432", cgroupFile(id, "memory", "memory.soft_limit_in_bytes"));
            assertEquals("150000", cgroupFile(id, "cpu", "cpu.cfs_quota_us"));
            assertEquals("100000", cgroupFile(id, "cpu", "cpu.cfs_period_us"));
            assertEquals("512", cgroupFile(id, "cpu", "cpu.shares"));
        } else {
            assertEquals("67108864", cgroupFile(id, "", "memory.max"));
            assertEquals("150000 100000", cgroupFile(id, "", "cpu.max"));
        }
        assertEquals("0", cgroupFile(id, "cpuset", "cpuset.cpus"));
        assertEquals("50", cgroupFile(id, "pids", "pids.max"));
        assertEquals("67108864 134217728 1500000000 50", berth.run("inspect", "--format",
                "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} "
                        + "{{.HostConfig.PidsLimit}}", id).line());
        remove(id);
    }

    @Test
    void impossibleLimitsAreRefusedBeforeAnythingIsMade() {
        String before = berth.run("ps", "-a", "-q").out();
        BerthCli.Result small = once("--memory", "1m", "busybox", "true");
        assertEquals(125, small.code());
        assertTrue(small.err().contains("Minimum memory limit allowed is 6MB"), small.err());
        assertEquals(125, once("--cpus", "500", "busybox", "true").code());
        assertEquals(125, once("--memory", "lots", "busybox", "true").code());
        assertEquals(before, berth.run("ps", "-a", "-q").out());
    }

    @Test
    void updateChangesTheLimitsOfARunningContainerAndItsRecord() throws Exception {
        String id = sleeper("--memory", "64m", "--pids-limit", "50");
        BerthCli.Result r = berth.run("update", "--memory", "128m", "--pids-limit", "20",
                "--cpus", "0.5", id);
        assertEquals(0, r.code(), r.err());
        assertEquals(id, r.line());
        if (v1()) {
            assertEquals("134217728", cgroupFile(id, "memory", "memory.limit_in_bytes"));
            assertEquals("268435456", cgroupFile(id, "memory", "memory.memsw.limit_in_bytes"));
            assertEquals("50000", cgroupFile(id, "cpu", "cpu.cfs_quota_us"));
        }
        assertEquals("20", cgroupFile(id, "pids", "pids.max"));
        assertEquals("134217728 20", berth.run("inspect", "--format",
                "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}", id).line());
        assertEquals(0, berth.run("update", "--pids-limit", "-1", id).code());
        assertEquals("max", cgroupFile(id, "pids", "pids.max"));
        assertEquals(1, berth.run("update", "--memory", "1m", id).code());
        assertEquals(1, berth.run("update", "--memory", "64m", "nosuchcontainer").code());
        assertEquals(1, berth.run("update", id).code(), "no flag at all");
        remove(id);
    }

    @Test
    void aContainerThatExceedsItsMemoryIsOomKilledWith137() {
        BerthCli.Result r = berth.run("run", "--name", "glutton", "--network", "none",
                "--memory", "16m", "busybox", "sh", "-c", "tail /dev/zero");
        assertEquals(137, r.code(), r.err());
        assertEquals("true 137", berth.run("inspect", "--format",
                "{{.State.OOMKilled}} {{.State.ExitCode}}", "glutton").line());
        berth.run("run", "--name", "modest", "--network", "none", "--memory", "16m", "busybox",
                "true");
        assertEquals("false 0", berth.run("inspect", "--format",
                "{{.State.OOMKilled}} {{.State.ExitCode}}", "modest").line());
        assertEquals(0, berth.run("rm", "glutton", "modest").code());
    }

    @Test
    void ulimitsReachTheProcessAndAboveTheMachinesHardLimitAreRefused() throws Exception {
        BerthCli.Result r = once("--ulimit", "nofile=1024:2048", "busybox", "sh", "-c",
                "ulimit -n; ulimit -Hn");
        assertEquals("1024\n2048\n", r.out(), r.err());
        String id = sleeper("--ulimit", "nproc=100:200");
        String limits = Files.readString(Path.of("/proc/" + pid(id) + "/limits"));
        assertTrue(limits.lines().anyMatch(l -> l.matches("Max processes\\s+100\\s+200\\s.*")),
                limits);
        remove(id);
        long hard = hardNofile();
        BerthCli.Result above = once("--ulimit", "nofile=1024:" + (hard + 1), "busybox", "true");
        assertEquals(125, above.code());
        assertTrue(above.err().contains("above this machine's " + hard), above.err());
    }

    private static long hardNofile() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files")).map(l -> l.split("\\s+")[4])
                .mapToLong(Long::parseLong).findFirst().orElseThrow();
    }

    @Test
    void shmSizeAndOomScoreAdjAreThoseAskedFor() throws Exception {
        String id = sleeper("--shm-size", "128m", "--oom-score-adj", "500");
        long pid = pid(id);
        String shm = Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals("/dev/shm")).findFirst().orElseThrow();
        assertTrue(shm.contains("size=131072k"), shm);
        assertEquals("500", Files.readString(Path.of("/proc/" + pid + "/oom_score_adj")).strip());
        remove(id);
    }

    @Test
    void aReadOnlyRootRefusesWritesButItsTmpfsTakesThem() throws Exception {
        String id = sleeper("--read-only", "--tmpfs", "/run:size=1m");
        String run = Files.readAllLines(Path.of("/proc/" + pid(id) + "/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals("/run")).findFirst().orElseThrow();
        assertTrue(run.contains(" tmpfs ") && run.contains("size=1024k"), run);
        String root = Files.readAllLines(Path.of("/proc/" + pid(id) + "/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals("/")).findFirst().orElseThrow();
        assertTrue(root.split(" ")[5].startsWith("ro"), root);
        BerthCli.Result r = berth.run("exec", id, "sh", "-c",
                "touch /x || echo refused; touch /run/y && echo written");
        assertEquals("refused\nwritten\n", r.out());
        remove(id);
    }

    @Test
    void namespacedSysctlsAreSetAndTheMachinesAreRefused() throws Exception {
        String hostForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward"));
        BerthCli.Result r = once("--sysctl", "net.ipv4.ip_forward=1", "--sysctl",
                "kernel.shmmni=1000", "busybox", "sh", "-c",
                "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni");
        assertEquals("1\n1000\n", r.out(), r.err());
        assertEquals(hostForward, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")));
        BerthCli.Result machine = once("--sysctl", "vm.swappiness=1", "busybox", "true");
        assertEquals(125, machine.code());
        assertTrue(machine.err().contains("vm.swappiness"), machine.err());
    }

    @Test
    void aDeviceIsCreatedAndAllowedWhileOthersStayDenied() throws Exception {
        String id = sleeper("--device", "/dev/fuse");
        if (v1()) {
            List<String> rules = Files.readAllLines(CGROUP.resolve("devices/berth").resolve(id)
                    .resolve("devices.list"));
            assertTrue(rules.contains("c 10:229 rwm"), rules.toString());
            assertFalse(rules.contains("a *:* rwm"), rules.toString());
        }
        BerthCli.Result r = berth.run("exec", id, "sh", "-c", "ls -l /dev/fuse; "
                + "exec 3<>/dev/fuse && echo opened; mknod /tmp/mem c 1 1 && "
                + "{ head -c1 /tmp/mem >/dev/null || echo denied; }");
        assertTrue(r.out().startsWith("crw"), r.out());
        assertTrue(r.out().contains("10, 229"), r.out());
        assertTrue(r.out().endsWith("opened\ndenied\n"), r.out() + r.err());
        remove(id);
        assertEquals(125, once("--device", "/dev/nosuchdevice", "busybox", "true").code());
    }
}
