package io.berth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cgroups.CgroupDriver;
import io.berth.convert.ContainerRequest;
import io.berth.network.NetworkService;
import io.berth.runtime.OciRuntime;
import io.berth.store.ContainerRecord;
import io.berth.store.Store;
import io.berth.sys.Sys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick pass before each start: what it finds, and what it costs when there is nothing. */
class LeftoversTest {
    @TempDir
    Path dir;

    private Store store;
    private OciRuntime runtime;
    private Leftovers leftovers;
    private final List<String> released = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        store = Store.open(dir.resolve("berth.db"));
        CgroupDriver cgroups = CgroupDriver.detect();
        runtime = new OciRuntime(dir.resolve("run/runtime"), Path.of("/nonexistent-shim"),
                cgroups, Sys.linux());
        NetworkService networks = new NetworkService(dir.resolve("network"), Path.of("/none"),
                dir.resolve("run/cni"));
        Files.createDirectories(dir.resolve("containers"));
        leftovers = new Leftovers(store, runtime, dir.resolve("run/runtime"), networks, cgroups,
                dir.resolve("containers"), released::add);
    }

    @AfterEach
    void close() {
        runtime.close();
        store.close();
    }

    private void addContainer(String id) throws Exception {
        store.insert(new ContainerRecord(id, "n" + id.substring(0, 12), "img", Instant.now(),
                ContainerRequest.builder("busybox").build(), "created", null, null, null, null,
                null, 0, 0, false));
        Files.createDirectories(dir.resolve("containers").resolve(id));
    }

    private static String id(char c) {
        char[] chars = new char[64];
        Arrays.fill(chars, c);
        return new String(chars);
    }

    @Test
    void idsWithFoldersOrEndpointsButNoRowAreReleasedAndKnownOnesAreNot() throws Exception {
        addContainer(id('a'));
        Files.createDirectories(dir.resolve("containers").resolve(id('b')));
        Files.createDirectories(dir.resolve("run/cni/endpoints").resolve(id('c')));
        Files.createDirectories(dir.resolve("run/runtime").resolve(id('d')));
        Files.createDirectories(dir.resolve("run/cni/endpoints/not-an-id"));

        assertEquals(List.of(id('b'), id('c'), id('d')), leftovers.releaseOrphans());
        assertEquals(List.of(id('b'), id('c'), id('d')), released);
    }

    @Test
    void withNothingLeftOverThePassCostsWellUnderAMillisecond() throws Exception {
        for (char c : "0123456789abcdef".toCharArray()) {
            addContainer(id(c));
        }
        long cold = System.nanoTime();
        assertEquals(List.of(), leftovers.releaseOrphans());
        long coldMicros = (System.nanoTime() - cold) / 1000;
        long[] micros = new long[200];
        for (int i = 0; i < micros.length; i++) {
            long t0 = System.nanoTime();
            leftovers.releaseOrphans();
            micros[i] = (System.nanoTime() - t0) / 1000;
        }
        Arrays.sort(micros);
        long median = micros[micros.length / 2];
        System.out.println("leftovers quick pass, 16 containers: first " + coldMicros
                + " us, median " + median + " us");
        assertTrue(median < 1000, "median " + median + " us");
        assertTrue(released.isEmpty());
    }
}
