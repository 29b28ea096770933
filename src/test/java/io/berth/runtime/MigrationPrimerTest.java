package io.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The primer's helper process in real cgroups under berth/, and nothing left once closed. */
@Tag("privileged")
class MigrationPrimerTest {
    private MigrationPrimer primer;

    @BeforeEach
    void setUp() {
        primer = new MigrationPrimer(new TestCgroups(), OciRuntime.defaultShim(),
                MigrationPrimer.PREFIX + "test-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() {
        primer.close();
    }

    @AfterAll
    static void removeCgroupParents() {
        TestCgroups.removeMadeParents();
    }

    @Test
    void aMoveStartsTheHelperInItsOwnCgroupUnderBerthInEveryHierarchy() throws Exception {
        primer.move();

        long pid = primer.helperPid();
        assertNotEquals(0, pid);
        assertEquals("berth-shim\0hold\0", commandName(pid));
        for (String controller : TestCgroups.CONTROLLERS) {
            assertEquals(List.of(pid), procs(controller), controller);
        }
    }

    @Test
    void aSecondMoveKeepsTheSameHelperWhereItIs() throws Exception {
        primer.move();
        long pid = primer.helperPid();

        primer.move();

        assertEquals(pid, primer.helperPid());
        for (String controller : TestCgroups.CONTROLLERS) {
            assertEquals(List.of(pid), procs(controller), controller);
        }
    }

    @Test
    void aHelperThatDiedIsReplacedByTheNextMove() throws Exception {
        primer.move();
        long first = primer.helperPid();
        ProcessHandle helper = ProcessHandle.of(first).orElseThrow();
        helper.destroyForcibly();
        helper.onExit().get(5, TimeUnit.SECONDS);

        primer.move();

        long second = primer.helperPid();
        assertNotEquals(0, second);
        assertNotEquals(first, second);
        assertEquals(List.of(second), procs("pids"));
    }

    @Test
    void closeEndsTheHelperAndRemovesItsCgroup() throws Exception {
        primer.move();
        ProcessHandle helper = ProcessHandle.of(primer.helperPid()).orElseThrow();

        primer.close();

        helper.onExit().get(5, TimeUnit.SECONDS);
        assertFalse(helper.isAlive());
        for (String controller : TestCgroups.CONTROLLERS) {
            Path dir = TestCgroups.dir(controller, primer.cgroupsPath());
            assertFalse(Files.exists(dir), dir + " is left");
        }
    }

    @Test
    void anAskAfterCloseStartsNothing() throws Exception {
        primer.close();

        primer.prime();
        Thread.sleep(200);

        assertEquals(0, primer.helperPid());
        assertFalse(Files.exists(TestCgroups.dir("pids", primer.cgroupsPath())));
    }

    @Test
    void anAskMovesTheHelperOnThePrimersOwnThread() throws Exception {
        primer.prime();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (procs("pids").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(primer.helperPid()), procs("pids"));
    }

    private List<Long> procs(String controller) throws IOException {
        Path file = TestCgroups.dir(controller, primer.cgroupsPath()).resolve("cgroup.procs");
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank())
                .map(Long::parseLong).toList();
    }

    /** The command line's last two words: the binary's file name and its first argument. */
    private static String commandName(long pid) throws IOException {
        String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                StandardCharsets.UTF_8);
        return cmdline.substring(cmdline.lastIndexOf('/') + 1);
    }
}
