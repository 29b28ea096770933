package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.berth.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * berth system prune, and what a CLI killed halfway through `run` leaves: counted as veths on
 * the bridge, address leases, rows, runtime folders, cgroups and mounts, before and after.
 */
@Tag("privileged")
class SystemPruneTest {
    private static BerthCli berth;

    @BeforeAll
    static void loadBusybox() {
        berth = BerthCli.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.run("system", "prune", "-f"); // releases a crashed run's debris if a test failed
        endOrphanedReapers();
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    @Test
    void pruneRemovesStoppedContainersUnusedNetworksAndDanglingImagesAndSaysSo()
            throws Exception {
        String stopped = berth.run("create", "--name", "idle", "busybox", "true").line();
        assertEquals(0, berth.run("run", "-d", "--name", "busy", "busybox", "sleep", "600")
                .code());
        assertEquals(0, berth.run("network", "create", "spare").code());
        Path empty = Files.createDirectories(berth.dir.resolve("empty"));
        Files.writeString(empty.resolve("f"), "hi\n");
        Path tar = berth.dir.resolve("empty.tar");
        BerthCli.exec("tar", "-C", empty.toString(), "-cf", tar.toString(), ".");
        String dangling = berth.run("import", tar.toString()).line();

        BerthCli.Result no = berth.runWithInput(new java.io.ByteArrayInputStream(
                "n\n".getBytes()), "system", "prune");
        assertEquals(0, no.code(), no.err());
        assertTrue(no.out().startsWith("WARNING! This will remove:\n  - all stopped containers"
                + "\n"), no.out());
        assertEquals("created", berth.run("inspect", "--format", "{{.State.Status}}", "idle")
                .line(), "nothing removed without a yes");

        BerthCli.Result r = berth.run("system", "prune", "-f");
        assertEquals(0, r.code(), r.err());
        assertEquals("Deleted Containers:\n" + stopped + "\n\nDeleted Networks:\nspare\n\n"
                + "Deleted Images:\ndeleted: " + dangling + "\n\n", r.out().substring(0,
                r.out().indexOf("Total reclaimed space: ")));
        assertTrue(r.out().matches("(?s).*Total reclaimed space: \\d+(\\.\\d+)?k?B\n"),
                r.out());
        assertEquals("busy\n", berth.run("ps", "-a", "--format", "{{.Names}}").out());
        assertEquals("Total reclaimed space: 0B\n", berth.run("system", "prune", "-f").out());
        assertEquals(0, berth.run("tag", "busybox", "spare:1").code());
        assertEquals(0, berth.run("system", "prune", "-f", "-a").code());
        assertEquals(List.of("busybox:latest", "spare:1"), berth.run("images", "--format",
                "{{.Repository}}:{{.Tag}}").out().lines().sorted().toList(),
                "-a keeps an image a container uses, with all its tags");
        berth.run("rm", "-f", "busy");
        BerthCli.Result all = berth.run("system", "prune", "-f", "--all");
        assertTrue(all.out().startsWith("Deleted Images:\ndeleted: sha256:"), all.out());
        assertEquals("", berth.run("images", "-q").out());
        assertEquals(0, berth.run("load", "-i", BerthCli.fixtures()
                .resolve("busybox-docker-archive.tar").toString()).code());
    }

    @Test
    void pruneReleasesWhatACliKilledWhileAttachingTheNetworkLeft() throws Exception {
        String id = crashWhileAttaching("crashed");
        assertEquals(1, leases().size(), "the lease is there");
        assertEquals(1, veths().size(), "the veth is on the bridge: " + veths());
        assertEquals("created", berth.run("inspect", "--format", "{{.State.Status}}",
                "crashed").line());
        assertFalse(BerthCli.cgroups(id).isEmpty());

        BerthCli.Result r = berth.run("system", "prune", "-f");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Deleted Containers:\n" + id + "\n"), r.out());
        assertNothingLeftOf(id);
    }

    @Test
    void theNextStartReleasesWhatAContainerWithoutARowLeft() throws Exception {
        String id = crashWhileAttaching("forgotten");
        try (Store store = Store.open(berth.root.resolve("berth.db"))) {
            store.delete(id); // as if the crash had come after the row went
        }
        assertEquals(1, leases().size());
        assertEquals(1, veths().size());

        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", "busybox", "true");
        assertEquals(0, r.code(), r.err());
        assertNothingLeftOf(id);
    }

    @Test
    void pruneRemovesOldEmptyCgroupsOfNoContainerAndLeavesNewOnes() throws Exception {
        List<Path> old = strayCgroup(Instant.now().minus(2, ChronoUnit.HOURS));
        List<Path> fresh = strayCgroup(Instant.now());
        try {
            assertEquals(0, berth.run("system", "prune", "-f").code());
            for (Path p : old) {
                assertFalse(Files.exists(p), p + " was debris");
            }
            for (Path p : fresh) {
                assertTrue(Files.exists(p), p + " may be another root's, being filled");
            }
        } finally {
            for (Path p : fresh) {
                Files.deleteIfExists(p);
            }
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void pruneRemovesTheEmptyCgroupOfAPrimerWhoseEngineIsGoneAndKeepsALiveOnes()
            throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        List<Path> dead = cgroupNamed("primer-" + gone.pid());
        List<Path> alive = cgroupNamed("primer-" + ProcessHandle.current().pid());
        try {
            assertEquals(0, berth.run("system", "prune", "-f").code());
            for (Path p : dead) {
                assertFalse(Files.exists(p), p + " was a dead engine's");
            }
            for (Path p : alive) {
                assertTrue(Files.exists(p), p + " belongs to a live engine");
            }
        } finally {
            for (Path p : alive) {
                Files.deleteIfExists(p);
            }
            for (Path p : dead) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * A reaper whose CLI was killed stays for later calls on its state root (native/reaper.c);
     * this root's are asked to wind down, found by pid from their command line.
     */
    private static void endOrphanedReapers() throws IOException {
        String wanted = "reaper\0" + berth.runroot.resolve("runtime");
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String pid = proc.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = Files.readString(proc.resolve("cmdline"));
                    if (cmdline.contains(wanted)) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroy);
                    }
                } catch (IOException gone) {
                    // Exited meanwhile.
                }
            }
        }
    }

    /** An empty cgroup under Berth's parent in the pids and memory hierarchies (or v2's). */
    private static List<Path> strayCgroup(Instant mtime) throws IOException {
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        List<Path> made = cgroupNamed(HexFormat.of().formatHex(random));
        for (Path group : made) {
            Files.setLastModifiedTime(group, FileTime.from(mtime));
        }
        return made;
    }

    /** An empty cgroup berth/NAME in the pids and memory hierarchies (or v2's). */
    private static List<Path> cgroupNamed(String id) throws IOException {
        List<Path> parents = Files.isDirectory(Path.of("/sys/fs/cgroup/pids"))
                ? List.of(Path.of("/sys/fs/cgroup/pids/berth"),
                        Path.of("/sys/fs/cgroup/memory/berth"))
                : List.of(Path.of("/sys/fs/cgroup/berth"));
        List<Path> made = new ArrayList<>();
        for (Path parent : parents) {
            Path group = Files.createDirectories(parent).resolve(id);
            Files.createDirectory(group);
            made.add(group);
        }
        return made;
    }

    private static void assertNothingLeftOf(String id) throws IOException {
        assertEquals(List.of(), leases(), "leases");
        assertEquals(List.of(), veths(), "veths on the bridge");
        assertEquals("", berth.run("ps", "-a", "-q").out(), "rows");
        assertFalse(Files.exists(berth.runroot.resolve("runtime").resolve(id)), "runtime");
        assertFalse(Files.exists(berth.root.resolve("containers").resolve(id)), "folder");
        assertEquals(List.of(), BerthCli.cgroups(id), "cgroups");
        assertEquals(List.of(), berth.mounts(), "mounts");
    }

    /**
     * Runs `berth run -d` in a child JVM and kills it (SIGKILL) as soon as host-local has
     * leased the container an address: the bridge plugin made the veth before that, and the
     * container is created but not started. Returns its id.
     */
    private static String crashWhileAttaching(String name) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            Process cli = spawn("run", "-d", "--name", name, "busybox", "sleep", "600");
            while (cli.isAlive() && leases().isEmpty()) {
                Thread.sleep(0, 200_000);
            }
            cli.destroyForcibly().waitFor();
            if ("created".equals(berth.run("inspect", "--format", "{{.State.Status}}", name)
                    .line())) {
                awaitPluginsDone();
                return berth.run("inspect", "--format", "{{.Id}}", name).line();
            }
            berth.run("rm", "-f", name); // the run finished first: try again
        }
        return fail("the CLI was never caught while it attached the network");
    }

    /** The bridge plugin goes on after its caller died; the veth is there once it is done. */
    private static void awaitPluginsDone() throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (veths().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
    }

    private static Process spawn(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "-Dberth.shim="
                        + System.getProperty("berth.shim"), "io.berth.cli.Main", "--root",
                berth.root.toString(), "--runroot", berth.runroot.toString(), "--bridge-name",
                berth.bridge, "--bridge-subnet", berth.subnet));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** host-local's lease files of the default network: one per address. */
    private static List<String> leases() throws IOException {
        return names(berth.root.resolve("network/ipam/bridge")).stream()
                .filter(n -> n.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")).toList();
    }

    /** The interfaces enslaved to this root's bridge. */
    private static List<String> veths() throws IOException {
        return names(Path.of("/sys/class/net", berth.bridge, "brif"));
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
