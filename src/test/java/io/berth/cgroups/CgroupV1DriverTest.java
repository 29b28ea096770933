package io.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The v1 driver against a fake cgroupfs of plain files: which files get which values. */
class CgroupV1DriverTest {
    @TempDir
    Path temp;
    FakeCgroupFs fs;
    CgroupV1Driver driver;

    @BeforeEach
    void layOutHybridHost() {
        fs = FakeCgroupFs.hybrid(FakeCgroupFs.open(temp).resolve("host"));
        fs.cgroupV1("berth", true);
        fs.cgroupV1("berth/c1", true);
        driver = new CgroupV1Driver(fs.root(), Duration.ofMillis(200));
    }

    static Spec.Resources resources(Spec.Memory memory, Spec.Cpu cpu, Spec.Pids pids) {
        return new Spec.Resources(null, memory, cpu, pids, null, null);
    }

    @Test
    void findsEachControllerButNotTheUnifiedTree() {
        assertEquals(List.of("blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory",
                "pids", "systemd"), driver.controllers());
    }

    @Test
    void createWritesEachLimitToItsV1File() {
        driver.create("/berth/c1", resources(
                new Spec.Memory(64L << 20, 32L << 20, 128L << 20, null, null),
                new Spec.Cpu(512L, 50_000L, 100_000L, "1", "0"),
                new Spec.Pids(20)));

        assertEquals(String.valueOf(64L << 20), fs.read("memory/berth/c1/memory.limit_in_bytes"));
        assertEquals(String.valueOf(32L << 20),
                fs.read("memory/berth/c1/memory.soft_limit_in_bytes"));
        assertEquals(String.valueOf(128L << 20),
                fs.read("memory/berth/c1/memory.memsw.limit_in_bytes"));
        assertEquals("512", fs.read("cpu/berth/c1/cpu.shares"));
        assertEquals("50000", fs.read("cpu/berth/c1/cpu.cfs_quota_us"));
        assertEquals("100000", fs.read("cpu/berth/c1/cpu.cfs_period_us"));
        assertEquals("1", fs.read("cpuset/berth/c1/cpuset.cpus"));
        assertEquals("0", fs.read("cpuset/berth/c1/cpuset.mems"));
        assertEquals("20", fs.read("pids/berth/c1/pids.max"));
    }

    @Test
    void createCopiesCpusetFromParentsForBerthAndTheContainer() {
        driver.create("berth/c1", null);

        assertEquals("0-1", fs.read("cpuset/berth/cpuset.cpus"));
        assertEquals("0", fs.read("cpuset/berth/cpuset.mems"));
        assertEquals("0-1", fs.read("cpuset/berth/c1/cpuset.cpus"));
        assertEquals("0", fs.read("cpuset/berth/c1/cpuset.mems"));
    }

    @Test
    void createChangesNothingOutsideBerthAndNeverTouchesTheUnifiedTree() {
        Map<String, String> before = fs.snapshot();

        driver.create("berth/c1", resources(new Spec.Memory(1L << 30, null, null, null, null),
                null, new Spec.Pids(5)));
        driver.addProcess("berth/c1", 4242);

        Map<String, String> after = fs.snapshot();
        before.keySet().stream().filter(k -> !k.contains("/berth")).forEach(
                k -> assertEquals(before.get(k), after.get(k), "changed outside berth/: " + k));
        assertEquals(before.keySet(), after.keySet());
        assertFalse(fs.exists("unified/berth"));
    }

    @Test
    void swapLimitIsLeftOutWhenSwapAccountingIsOff() {
        fs.cgroupV1("berth/c2", false);

        driver.create("berth/c2", resources(
                new Spec.Memory(64L << 20, null, 128L << 20, null, null), null, null));

        assertEquals(String.valueOf(64L << 20), fs.read("memory/berth/c2/memory.limit_in_bytes"));
        assertFalse(fs.exists("memory/berth/c2/memory.memsw.limit_in_bytes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/sys", "memory", "../berth/x", "berth", "/berth/", "berth/..",
        "berth/../x", "/berth/x/../../process_api", "../../etc/x", "", "  "})
    void refusesPathsThatAreNotBelowBerth(String cgroupsPath) {
        Map<String, String> before = fs.snapshot();

        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.create(cgroupsPath, null));

        assertTrue(e.getMessage().contains("berth/"), e.getMessage());
        assertEquals(before, fs.snapshot());
    }

    @Test
    void acceptsALeadingSlashAndDotDotThatStaysBelowBerth() {
        fs.cgroupV1("berth/c2", true);

        driver.create("//berth/c1/../c2", new Spec.Resources(null, null, null,
                new Spec.Pids(7), null, null));

        assertEquals("7", fs.read("pids/berth/c2/pids.max"));
        assertEquals("max", fs.read("pids/berth/c1/pids.max"));
    }

    @Test
    void aFailedCreateNamesFileAndValueAndRemovesWhatItMade() {
        // Plain folders made by the driver hold no control files, so the pids.max write fails.
        FakeCgroupFs plain = FakeCgroupFs.hybrid(FakeCgroupFs.open(temp.resolve("plain")),
                "memory", "pids", "freezer");
        CgroupV1Driver onPlainDirs = new CgroupV1Driver(plain.root());

        CgroupException e = assertThrows(CgroupException.class, () -> onPlainDirs.create(
                "berth/new", resources(null, null, new Spec.Pids(9))));

        assertTrue(e.getMessage().contains("write 9 to " + plain.root().resolve(
                "pids/berth/new/pids.max")), e.getMessage());
        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
        for (String h : onPlainDirs.controllers()) {
            assertFalse(plain.exists(h + "/berth/new"), h);
            assertTrue(plain.exists(h + "/berth"), h);
        }
    }

    @Test
    void addProcessJoinsEveryHierarchy() {
        driver.create("berth/c1", null);

        driver.addProcess("berth/c1", 4242);

        for (String h : driver.controllers()) {
            assertEquals("4242", fs.read(h + "/berth/c1/cgroup.procs"), h);
        }
        assertEquals(List.of(4242L), driver.pids("berth/c1"));
    }

    @Test
    void addProcessToAMissingCgroupFails() {
        assertThrows(CgroupException.class, () -> driver.addProcess("berth/absent", 1));
    }

    @Test
    void updateChangesOnlyTheGivenLimits() {
        driver.create("berth/c1", resources(null, null, new Spec.Pids(20)));

        driver.update("berth/c1", resources(null, new Spec.Cpu(null, 20_000L, null, null, null),
                null));

        assertEquals("20000", fs.read("cpu/berth/c1/cpu.cfs_quota_us"));
        assertEquals("100000", fs.read("cpu/berth/c1/cpu.cfs_period_us"));
        assertEquals("20", fs.read("pids/berth/c1/pids.max"));
    }

    @Test
    void unlimitedValuesAreWrittenAsTheKernelSpellsThem() {
        driver.create("berth/c1", resources(new Spec.Memory(-1L, null, -1L, null, null),
                new Spec.Cpu(null, -1L, null, null, null), new Spec.Pids(0)));

        assertEquals("-1", fs.read("memory/berth/c1/memory.limit_in_bytes"));
        assertEquals("-1", fs.read("memory/berth/c1/memory.memsw.limit_in_bytes"));
        assertEquals("-1", fs.read("cpu/berth/c1/cpu.cfs_quota_us"));
        assertEquals("max", fs.read("pids/berth/c1/pids.max"));
    }

    @Test
    void deviceRulesGoToAllowAndDeny() {
        driver.create("berth/c1", new Spec.Resources(List.of(
                new Spec.DeviceRule(false, null, null, null, "rwm"),
                new Spec.DeviceRule(true, "c", 1L, 3L, "rw")), null, null, null, null, null));

        assertEquals("a *:* rwm", fs.read("devices/berth/c1/devices.deny"));
        assertEquals("c 1:3 rw", fs.read("devices/berth/c1/devices.allow"));
    }

    @Test
    void blkioWeightGoesWhereAWeightFileExistsAndIsOtherwiseLeftOut() {
        Spec.Resources weight = new Spec.Resources(null, null, null, null,
                new Spec.BlockIO(500), null);

        driver.create("berth/c1", weight);
        assertFalse(fs.exists("blkio/berth/c1/blkio.weight"));

        fs.file("blkio/berth/c1/blkio.bfq.weight", "100\n");
        driver.update("berth/c1", weight);
        assertEquals("500", fs.read("blkio/berth/c1/blkio.bfq.weight"));
    }

    @Test
    void unifiedResourcesAreRefusedOnV1() {
        assertThrows(CgroupException.class, () -> driver.create("berth/c1",
                new Spec.Resources(null, null, null, null, null, Map.of("memory.high", "1"))));
    }

    @Test
    void freezeWritesFrozenAndThawWritesThawed() {
        driver.freeze("berth/c1", true);
        assertEquals("FROZEN", fs.read("freezer/berth/c1/freezer.state"));

        driver.freeze("berth/c1", false);
        assertEquals("THAWED", fs.read("freezer/berth/c1/freezer.state"));
    }

    @Test
    void oomKilledReadsTheOomKillCount() {
        assertFalse(driver.oomKilled("berth/c1"));

        fs.file("memory/berth/c1/memory.oom_control",
                "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");

        assertTrue(driver.oomKilled("berth/c1"));
    }

    @Test
    void statsReadsUsageAndTreatsTheHugeDefaultLimitAsUnlimited() {
        fs.file("memory/berth/c1/memory.usage_in_bytes", "1048576\n");
        fs.file("cpuacct/berth/c1/cpuacct.usage", "123456789\n");
        fs.file("pids/berth/c1/pids.current", "3\n");

        assertEquals(new Stats(1048576, -1, 123456789, 3), driver.stats("berth/c1"));

        fs.file("memory/berth/c1/memory.limit_in_bytes", "67108864\n");
        assertEquals(67108864, driver.stats("berth/c1").memoryLimit());
    }

    @Test
    void destroyRemovesTheCgroupAndItsChildrenInEveryHierarchy() throws IOException {
        // Plain folders with files in them cannot be removed as cgroup folders can, so this
        // tree holds the folders alone.
        FakeCgroupFs plain = FakeCgroupFs.hybrid(FakeCgroupFs.open(temp.resolve("plain")));
        CgroupV1Driver onPlainDirs = new CgroupV1Driver(plain.root());
        for (String h : onPlainDirs.controllers()) {
            Files.createDirectories(plain.root().resolve(h + "/berth/c9/nested"));
        }

        onPlainDirs.destroy("berth/c9");

        for (String h : onPlainDirs.controllers()) {
            assertFalse(plain.exists(h + "/berth/c9"), h);
            assertTrue(plain.exists(h + "/berth"), h);
        }
    }

    @Test
    void destroyOfAMissingCgroupIsFine() {
        driver.destroy("berth/never-made");
    }
}
