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

/** The v2 driver against a fake unified tree of plain files. */
class CgroupV2DriverTest {
    @TempDir
    Path temp;
    FakeCgroupFs fs;
    CgroupV2Driver driver;

    @BeforeEach
    void layOutUnifiedHost() {
        fs = FakeCgroupFs.unified(FakeCgroupFs.open(temp).resolve("host"), "cpu memory pids");
        fs.cgroupV2("berth", "cpu memory pids");
        fs.cgroupV2("berth/c1", "cpu memory pids");
        driver = new CgroupV2Driver(fs.root(), Duration.ofMillis(200));
    }

    static Spec.Resources resources(Spec.Memory memory, Spec.Cpu cpu, Spec.Pids pids) {
        return new Spec.Resources(null, memory, cpu, pids, null, null);
    }

    @Test
    void createWritesEachLimitToItsV2FileConverted() {
        driver.create("/berth/c1", resources(
                new Spec.Memory(64L << 20, 32L << 20, 128L << 20, null, null),
                new Spec.Cpu(1024L, 50_000L, 100_000L, null, null),
                new Spec.Pids(20)));

        assertEquals(String.valueOf(64L << 20), fs.read("berth/c1/memory.max"));
        assertEquals(String.valueOf(32L << 20), fs.read("berth/c1/memory.low"));
        assertEquals(String.valueOf(64L << 20), fs.read("berth/c1/memory.swap.max"));
        assertEquals("39", fs.read("berth/c1/cpu.weight"));
        assertEquals("50000 100000", fs.read("berth/c1/cpu.max"));
        assertEquals("20", fs.read("berth/c1/pids.max"));
    }

    @Test
    void createEnablesControllersInBerthButNeverAtTheRoot() {
        Map<String, String> before = fs.snapshot();

        driver.create("berth/c1", null);

        assertEquals("+cpu +memory +pids", fs.read("berth/cgroup.subtree_control"));
        assertEquals(List.of("cpu", "memory", "pids"), driver.controllers());
        assertEquals("", fs.read("berth/c1/cgroup.subtree_control"));
        Map<String, String> after = fs.snapshot();
        before.keySet().stream().filter(k -> !k.startsWith("berth")).forEach(
                k -> assertEquals(before.get(k), after.get(k), "changed outside berth/: " + k));
    }

    @Test
    void aControllerTheRootDoesNotDelegateIsDoneWithoutUntilALimitNeedsIt() {
        driver.create("berth/c1", null);

        CgroupException e = assertThrows(CgroupException.class, () -> driver.update("berth/c1",
                resources(null, new Spec.Cpu(null, null, null, "0", null), null)));

        assertFalse(fs.read("berth/cgroup.subtree_control").contains("cpuset"));
        assertTrue(e.getMessage().contains("cpuset controller is not enabled"), e.getMessage());
    }

    @Test
    void updateOfTheQuotaAloneKeepsThePeriod() {
        fs.file("berth/c1/cpu.max", "max 250000\n");

        driver.update("berth/c1", resources(null, new Spec.Cpu(null, 100_000L, null, null, null),
                null));

        assertEquals("100000 250000", fs.read("berth/c1/cpu.max"));
    }

    @Test
    void unlimitedValuesAreWrittenAsMax() {
        driver.create("berth/c1", resources(new Spec.Memory(-1L, null, null, null, null),
                new Spec.Cpu(null, -1L, null, null, null), new Spec.Pids(-1)));

        assertEquals("max", fs.read("berth/c1/memory.max"));
        assertEquals("max", fs.read("berth/c1/memory.swap.max"));
        assertEquals("max 100000", fs.read("berth/c1/cpu.max"));
        assertEquals("max", fs.read("berth/c1/pids.max"));
    }

    @Test
    void unifiedResourcesAreWrittenAsGivenButOnlyInTheCgroupItself() {
        fs.file("berth/c1/memory.high", "max\n");

        driver.update("berth/c1", new Spec.Resources(null, null, null, null, null,
                Map.of("memory.high", "1000000")));

        assertEquals("1000000", fs.read("berth/c1/memory.high"));
        assertThrows(CgroupException.class, () -> driver.update("berth/c1",
                new Spec.Resources(null, null, null, null, null,
                        Map.of("../cgroup.subtree_control", "+io"))));
    }

    @Test
    void sharesConvertToWeightsAsRuncDoes() {
        assertEquals(1, CgroupV2Driver.cpuWeight(2));
        assertEquals(39, CgroupV2Driver.cpuWeight(1024));
        assertEquals(10000, CgroupV2Driver.cpuWeight(262144));
    }

    @Test
    void theSpecsMemoryPlusSwapBecomesSwapAlone() {
        assertEquals(64, CgroupV2Driver.swapMax(128, 64));
        assertEquals(-1, CgroupV2Driver.swapMax(-1, 64));
        assertEquals(0, CgroupV2Driver.swapMax(0, 64));
        assertEquals(-1, CgroupV2Driver.swapMax(0, -1));
        assertThrows(CgroupException.class, () -> CgroupV2Driver.swapMax(32, 64));
        assertThrows(CgroupException.class, () -> CgroupV2Driver.swapMax(32, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "x/berth", "berth", "../berth/c1", "berth/../../c1"})
    void refusesPathsThatAreNotBelowBerth(String cgroupsPath) {
        Map<String, String> before = fs.snapshot();

        assertThrows(CgroupException.class, () -> driver.create(cgroupsPath, null));

        assertEquals(before, fs.snapshot());
    }

    @Test
    void addProcessWritesCgroupProcs() {
        driver.addProcess("berth/c1", 77);

        assertEquals("77", fs.read("berth/c1/cgroup.procs"));
        assertEquals(List.of(77L), driver.pids("berth/c1"));
    }

    @Test
    void freezeWaitsUntilCgroupEventsReportsFrozen() throws Exception {
        Thread kernel = Thread.ofVirtual().start(() -> {
            Retry.until(Duration.ofSeconds(5), () -> fs.read("berth/c1/cgroup.freeze").equals("1"));
            fs.file("berth/c1/cgroup.events", "populated 1\nfrozen 1\n");
        });

        driver.freeze("berth/c1", true);

        assertEquals("1", fs.read("berth/c1/cgroup.freeze"));
        assertTrue(fs.read("berth/c1/cgroup.events").contains("frozen 1"));
        kernel.join();
    }

    @Test
    void aFreezeThatNeverSettlesFailsAndThaws() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.freeze("berth/c1", true));

        assertTrue(e.getMessage().contains("frozen 1"), e.getMessage());
        assertEquals("0", fs.read("berth/c1/cgroup.freeze"));
    }

    @Test
    void oomKilledReadsMemoryEvents() {
        assertFalse(driver.oomKilled("berth/c1"));

        fs.file("berth/c1/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");

        assertTrue(driver.oomKilled("berth/c1"));
    }

    @Test
    void statsReadsCurrentValuesAndCpuMicroseconds() {
        fs.file("berth/c1/memory.current", "4096\n");
        fs.file("berth/c1/memory.max", "8192\n");
        fs.file("berth/c1/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        fs.file("berth/c1/pids.current", "2\n");

        assertEquals(new Stats(4096, 8192, 1_500_000, 2), driver.stats("berth/c1"));
    }

    @Test
    void destroyRemovesTheCgroupAndItsChildren() throws IOException {
        // Plain folders with files in them cannot be removed as cgroup folders can.
        FakeCgroupFs plain = FakeCgroupFs.unified(FakeCgroupFs.open(temp.resolve("plain")), "");
        Files.createDirectories(plain.root().resolve("berth/c9/nested"));

        new CgroupV2Driver(plain.root()).destroy("berth/c9");

        assertFalse(plain.exists("berth/c9"));
        assertTrue(plain.exists("berth"));
        new CgroupV2Driver(plain.root()).destroy("berth/c9");
    }

    @Test
    void detectChoosesV2ForAUnifiedRootAndV1ForAHybridOne() {
        assertEquals("v2", CgroupDrivers.detect(fs.root()).version());
        FakeCgroupFs hybrid = FakeCgroupFs.hybrid(FakeCgroupFs.open(temp.resolve("hybrid")));
        assertEquals("v1", CgroupDrivers.detect(hybrid.root()).version());
        assertThrows(CgroupException.class,
                () -> CgroupDrivers.detect(FakeCgroupFs.open(temp.resolve("none"))));
    }
}
