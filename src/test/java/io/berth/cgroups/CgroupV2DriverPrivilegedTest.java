package io.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The v2 driver on a real cgroup2 tree: here the hybrid host's /sys/fs/cgroup/unified, which
 * delegates no controllers, so this covers making, joining, freezing and removing a cgroup but
 * not limits (the fixture tier covers those).
 */
@Tag("privileged")
class CgroupV2DriverPrivilegedTest {
    static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");
    CgroupV2Driver driver;
    RealCgroup cgroup;

    @BeforeEach
    void requireACgroup2Tree() {
        assumeTrue(Files.isRegularFile(UNIFIED.resolve("cgroup.controllers")),
                "needs a cgroup2 tree at " + UNIFIED);
        driver = new CgroupV2Driver(UNIFIED, Duration.ofSeconds(2));
        cgroup = new RealCgroup(List.of(UNIFIED));
    }

    @AfterEach
    void cleanUp() throws Exception {
        cgroup.cleanUp(driver);
        assertFalse(Files.exists(UNIFIED.resolve(cgroup.path)));
    }

    @Test
    void createsAndRemovesACgroupBelowBerth() throws Exception {
        String rootSubtree = Files.readString(UNIFIED.resolve("cgroup.subtree_control"));

        driver.create(cgroup.path, null);

        assertTrue(Files.isRegularFile(UNIFIED.resolve(cgroup.path).resolve("cgroup.procs")));
        assertEquals(rootSubtree, Files.readString(UNIFIED.resolve("cgroup.subtree_control")));
        assertEquals(driver.controllers(), List.of(Files.readString(
                UNIFIED.resolve("berth/cgroup.controllers")).trim().split("\\s+")).stream()
                .filter(c -> !c.isEmpty()).toList());

        driver.destroy(cgroup.path);
        assertFalse(Files.exists(UNIFIED.resolve(cgroup.path)));
    }

    @Test
    void aSleepJoinsIsFrozenAndThawed() throws Exception {
        driver.create(cgroup.path, null);
        Process sleep = cgroup.start("sleep", "300");

        driver.addProcess(cgroup.path, sleep.pid());
        assertEquals(List.of(sleep.pid()), driver.pids(cgroup.path));
        String procCgroup = Files.readString(Path.of("/proc/" + sleep.pid() + "/cgroup"));
        assertTrue(procCgroup.contains("0::/" + cgroup.path + "\n"), procCgroup);

        driver.freeze(cgroup.path, true);
        assertTrue(Files.readString(UNIFIED.resolve(cgroup.path).resolve("cgroup.events"))
                .contains("frozen 1"));
        driver.freeze(cgroup.path, false);
        String thawed = RealCgroup.state(sleep.pid());
        assertTrue(thawed.startsWith("S") || thawed.startsWith("R"), "thawed: " + thawed);

        sleep.destroyForcibly();
        assertTrue(sleep.waitFor(10, TimeUnit.SECONDS));
        driver.destroy(cgroup.path);
        assertFalse(Files.exists(UNIFIED.resolve(cgroup.path)));
    }
}
