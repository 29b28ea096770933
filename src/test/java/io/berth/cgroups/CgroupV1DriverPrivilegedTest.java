package io.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.spec.Spec;
import io.berth.sys.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The v1 driver on this host's real hierarchies, with a sleep process it started. */
@Tag("privileged")
class CgroupV1DriverPrivilegedTest {
    static final Path ROOT = Path.of("/sys/fs/cgroup");
    static final List<String> HIERARCHIES = List.of("cpu", "cpuacct", "cpuset", "memory",
            "devices", "freezer", "blkio", "pids", "systemd");
    CgroupV1Driver driver;
    RealCgroup cgroup;

    @BeforeEach
    void requireV1Hierarchies() {
        assumeTrue(Files.isRegularFile(ROOT.resolve("memory/cgroup.procs")),
                "needs the cgroup v1 memory hierarchy at /sys/fs/cgroup/memory");
        driver = new CgroupV1Driver(ROOT, Duration.ofMillis(500));
        cgroup = new RealCgroup(HIERARCHIES.stream().map(ROOT::resolve).toList());
    }

    @AfterEach
    void cleanUp() throws Exception {
        cgroup.cleanUp(driver);
        for (String h : HIERARCHIES) {
            assertFalse(Files.exists(ROOT.resolve(h).resolve(cgroup.path)), h);
        }
    }

    private Path file(String hierarchy, String name) {
        return ROOT.resolve(hierarchy).resolve(cgroup.path).resolve(name);
    }

    @Test
    void detectChoosesV1OnThisHybridHost() {
        assertEquals("v1", CgroupDriver.detect().version());
    }

    @Test
    void aSleepInItsOwnCgroupIsLimitedFrozenThawedAndRemoved() throws Exception {
        driver.create(cgroup.path, new Spec.Resources(null,
                new Spec.Memory(64L << 20, null, null, null, null), null, new Spec.Pids(16),
                null, null));
        Process sleep = cgroup.start("sleep", "300");

        driver.addProcess(cgroup.path, sleep.pid());

        assertEquals(List.of(sleep.pid()), driver.pids(cgroup.path));
        assertEquals(String.valueOf(64L << 20),
                Files.readString(file("memory", "memory.limit_in_bytes")).trim());
        assertEquals("16", Files.readString(file("pids", "pids.max")).trim());
        String procCgroup = Files.readString(Path.of("/proc/" + sleep.pid() + "/cgroup"));
        assertTrue(procCgroup.contains(":memory:/" + cgroup.path + "\n"), procCgroup);
        assertTrue(procCgroup.contains("0::/\n"), "the unified tree was left alone: "
                + procCgroup);

        driver.freeze(cgroup.path, true);
        assertEquals("FROZEN", Files.readString(file("freezer", "freezer.state")).trim());
        assertTrue(RealCgroup.state(sleep.pid()).startsWith("D"), RealCgroup.state(sleep.pid()));

        driver.freeze(cgroup.path, false);
        String thawed = RealCgroup.state(sleep.pid());
        assertTrue(thawed.startsWith("S") || thawed.startsWith("R"), "thawed: " + thawed);

        sleep.destroyForcibly();
        assertTrue(sleep.waitFor(10, TimeUnit.SECONDS));
        driver.destroy(cgroup.path);
        for (String h : HIERARCHIES) {
            assertFalse(Files.exists(ROOT.resolve(h).resolve(cgroup.path)), h);
        }
    }

    @Test
    void statsReportsTheLimitAndTheProcessCount() throws Exception {
        driver.create(cgroup.path, new Spec.Resources(null,
                new Spec.Memory(32L << 20, null, null, null, null), null, null, null, null));
        Process sleep = cgroup.start("sh", "-c", "read go; exec sleep 300");
        driver.addProcess(cgroup.path, sleep.pid());
        // v1 leaves a task's old charges behind when it moves, so the exec charges anew here.
        sleep.getOutputStream().write("go\n".getBytes());
        sleep.getOutputStream().flush();
        assertTrue(Retry.until(Duration.ofSeconds(5),
                () -> driver.stats(cgroup.path).memoryUsage() > 0));

        Stats stats = driver.stats(cgroup.path);

        assertEquals(32L << 20, stats.memoryLimit());
        assertEquals(1, stats.pidsCurrent());
        assertTrue(stats.memoryUsage() > 0, stats.toString());
        assertTrue(stats.cpuUsageNanos() >= 0, stats.toString());
    }

    @Test
    void raisingMemoryAndSwapTogetherWorksInEitherOrder() throws Exception {
        assumeTrue(Files.exists(ROOT.resolve("memory/memory.memsw.limit_in_bytes")),
                "needs swap accounting (memory.memsw.*)");
        driver.create(cgroup.path, new Spec.Resources(null,
                new Spec.Memory(64L << 20, null, 64L << 20, null, null), null, null, null, null));

        driver.update(cgroup.path, new Spec.Resources(null,
                new Spec.Memory(256L << 20, null, 512L << 20, null, null), null, null, null, null));
        assertEquals(String.valueOf(256L << 20),
                Files.readString(file("memory", "memory.limit_in_bytes")).trim());
        assertEquals(String.valueOf(512L << 20),
                Files.readString(file("memory", "memory.memsw.limit_in_bytes")).trim());

        driver.update(cgroup.path, new Spec.Resources(null,
                new Spec.Memory(32L << 20, null, 32L << 20, null, null), null, null, null, null));
        assertEquals(String.valueOf(32L << 20),
                Files.readString(file("memory", "memory.memsw.limit_in_bytes")).trim());
    }

    @Test
    void aValueTheKernelRejectsIsNamedWithItsFile() {
        driver.create(cgroup.path, null);

        CgroupException e = assertThrows(CgroupException.class, () -> driver.update(cgroup.path,
                new Spec.Resources(null, null, new Spec.Cpu(null, null, null, "64-65", null),
                        null, null, null)));

        assertTrue(e.getMessage().startsWith("write 64-65 to " + file("cpuset", "cpuset.cpus")
                + ": ERANGE"), e.getMessage());
        assertEquals(34, e.errno());
    }

    @Test
    void deviceRulesReplaceTheInheritedAllowAll() throws Exception {
        driver.create(cgroup.path, new Spec.Resources(List.of(
                new Spec.DeviceRule(false, "a", null, null, "rwm"),
                new Spec.DeviceRule(true, "c", 1L, 3L, "rwm"),
                new Spec.DeviceRule(true, "c", 1L, 5L, "r")), null, null, null, null, null));

        assertEquals(List.of("c 1:3 rwm", "c 1:5 r"),
                Files.readAllLines(file("devices", "devices.list")));
    }

    @Test
    void destroyFailsWithEbusyWhileAProcessRemains() throws Exception {
        driver.create(cgroup.path, null);
        Process sleep = cgroup.start("sleep", "300");
        driver.addProcess(cgroup.path, sleep.pid());

        CgroupException e = assertThrows(CgroupException.class, () -> driver.destroy(cgroup.path));

        assertEquals(Errno.EBUSY, e.errno(), e.getMessage());
        assertTrue(sleep.isAlive());
    }

    @Test
    void aProcessPastItsMemoryLimitIsReportedAsOomKilled() throws Exception {
        driver.create(cgroup.path, new Spec.Resources(null,
                new Spec.Memory(16L << 20, null, null, null, null), null, null, null, null));
        assertFalse(driver.oomKilled(cgroup.path));
        // tail keeps /dev/zero's endless first line in memory while it looks for a newline.
        Process hog = cgroup.start("sh", "-c", "read go; exec tail /dev/zero");
        driver.addProcess(cgroup.path, hog.pid());

        hog.getOutputStream().write("go\n".getBytes());
        hog.getOutputStream().flush();

        assertTrue(hog.waitFor(30, TimeUnit.SECONDS));
        assertEquals(128 + 9, hog.exitValue());
        assertTrue(driver.oomKilled(cgroup.path));
    }
}
