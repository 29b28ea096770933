package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.runtime.OciRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Known ways out of a container, each tried: the shim's binary through /proc/PID/exe (the
 * CVE-2019-5736 class), a host descriptor as the working directory (CVE-2024-21626), and images
 * whose symlinks aim the shim's mounts and device nodes at host paths.
 */
@Tag("privileged")
class EscapesTest {
    private static final String LAYER =
            "770bdd23eef2ab503c845d042c91f9f5a650d0b41ca5f7a81e295bf2b57e0821/layer.tar";
    private static BerthCli berth;

    @BeforeAll
    static void start() {
        berth = BerthCli.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    private static String sleeper() {
        BerthCli.Result r = berth.run("run", "-d", "--network", "none", "busybox", "sleep",
                "600");
        assertEquals(0, r.code(), r.err());
        return r.line();
    }

    @Test
    void aWorkingDirectoryThroughProcSelfFdFailsForRunAndExec() {
        String id = sleeper();
        for (int fd = 3; fd <= 8; fd++) {
            String dir = "/proc/self/fd/" + fd;
            BerthCli.Result run = berth.run("run", "--rm", "--network", "none", "-w", dir,
                    "busybox", "pwd");
            assertNotEquals(0, run.code(), dir + " became the working directory: " + run.out());
            assertEquals("", run.out());
            BerthCli.Result exec = berth.run("exec", "-w", dir, id, "pwd");
            assertNotEquals(0, exec.code(), dir + " became the exec's directory: " + exec.out());
            assertEquals("", exec.out());
        }
        berth.run("rm", "-f", id);
    }

    @Test
    void onlyStdioIsOpenInTheContainerAndInAnExec() {
        BerthCli.Result run = berth.run("run", "--rm", "--network", "none", "busybox", "sh",
                "-c", "ls -l /proc/$$/fd");
        assertEquals(List.of("0", "1", "2"), descriptors(run.out()), run.out());
        String id = sleeper();
        BerthCli.Result exec = berth.run("exec", id, "sh", "-c", "ls -l /proc/$$/fd");
        assertEquals(List.of("0", "1", "2"), descriptors(exec.out()), exec.out());
        BerthCli.Result init = berth.run("exec", id, "ls", "-l", "/proc/1/fd");
        assertEquals(List.of("0", "1", "2"), descriptors(init.out()), init.out());
        berth.run("rm", "-f", id);
    }

    private static List<String> descriptors(String ls) {
        return ls.lines().filter(l -> l.contains(" -> "))
                .map(l -> l.substring(0, l.indexOf(" -> ")).replaceAll(".* ", "")).toList();
    }

    @Test
    void theShimsBinaryCannotBeRewrittenThroughProcExeWhileSomeoneExecs() throws Exception {
        byte[] shim = Files.readAllBytes(OciRuntime.defaultShim());
        String watcher = "while :; do for e in /proc/[0-9]*/exe; do l=$(readlink $e); "
                + "case \"$l\" in *berth*|*memfd*) echo \"$l\" >> /tmp/seen; "
                + "echo x >> $e 2>/dev/null && echo WROTE >> /tmp/seen;; esac; done; done";
        BerthCli.Result r = berth.run("run", "-d", "--network", "none", "busybox", "sh", "-c",
                watcher);
        assertEquals(0, r.code(), r.err());
        String id = r.line();
        for (int i = 0; i < 30; i++) {
            assertEquals(0, berth.run("exec", id, "true").code());
        }
        String seen = berth.run("exec", id, "sh", "-c", "cat /tmp/seen 2>/dev/null").out();
        berth.run("rm", "-f", id);
        assertFalse(seen.contains("WROTE"), seen);
        assertTrue(seen.lines().allMatch(l -> l.startsWith("/memfd:berth-shim")),
                "only the sealed copy is ever seen: " + seen);
        assertArrayEquals(shim, Files.readAllBytes(OciRuntime.defaultShim()));
    }

    /**
     * With --init, pid 1 is a clone of the shim that never execs: its command line and
     * environment were the shim's, the host path of its binary, the reaper's state folder and
     * the engine's variables. It shows as docker's init does instead, "/sbin/berth-init --"
     * and the command, with the container's environment, and its exe is still the sealed copy.
     */
    @Test
    void anInitShowsTheContainersCommandAndEnvironmentAndNothingOfTheHosts() throws Exception {
        String script = "cat /proc/1/cmdline; echo; cat /proc/1/environ; echo; "
                + "readlink /proc/1/exe; ps -o pid,args";
        BerthCli.Result r = berth.run("run", "--rm", "--init", "--network", "none", "-e",
                "ONLY=this", "busybox", "sh", "-c", script);
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("/sbin/berth-init\0--\0sh\0-c\0" + script + "\0", lines.get(0));
        List<String> env = List.of(lines.get(1).split("\0"));
        assertTrue(env.contains("ONLY=this"), env.toString());
        assertEquals(List.of("HOME", "HOSTNAME", "ONLY", "PATH"), env.stream()
                .map(v -> v.substring(0, v.indexOf('='))).sorted().toList(), env.toString());
        assertTrue(lines.get(2).startsWith("/memfd:berth-shim"), lines.get(2));
        assertEquals("    1 /sbin/berth-init -- sh -c " + script, lines.get(4));
        String shim = OciRuntime.defaultShim().toString();
        assertFalse(r.out().contains(shim) || r.out().contains("reaper"), r.out());

        // Where the kernel refuses the new map, the old strings are overwritten in place.
        Path profile = Files.writeString(berth.dir.resolve("no-set-mm.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["prctl"],
                  "action": "SCMP_ACT_ERRNO",
                  "args": [{"index": 0, "value": 35, "op": "SCMP_CMP_EQ"}]}]}""");
        r = berth.run("run", "--rm", "--init", "--network", "none", "--security-opt",
                "seccomp=" + profile, "busybox", "sh", "-c", "cat /proc/1/cmdline /proc/1/environ");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("/sbin/berth-init\0--\0sh\0-c\0cat /proc/"), r.out());
        assertFalse(r.out().contains(shim) || r.out().contains("reaper")
                || r.out().contains("="), "nothing of the shim's is left: " + r.out());
    }

    @Test
    void mountDestinationsThatAreSymlinksInTheImageResolveInsideTheRootfs() throws Exception {
        Path victim = Files.createDirectory(berth.dir.resolve("victim"));
        Path etc = Files.createDirectory(berth.dir.resolve("victim-etc"));
        Path hostname = Files.writeString(etc.resolve("hostname"), "host-original\n");
        String image = image("symlinks", root -> {
            link(root.resolve("run"), victim);
            link(root.resolve("etc/hostname"), hostname);
        });
        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", "--hostname", "inside",
                "--tmpfs", "/run", image, "sh", "-c", "cat /etc/hostname; touch /run/x; "
                        + "grep -c ' " + victim + " tmpfs ' /proc/mounts");
        assertEquals("inside\n1\n", r.out(), r.err());
        assertEquals("host-original\n", Files.readString(hostname));
        assertEquals(List.of(), names(victim));
        assertEquals(List.of("hostname"), names(etc));
    }

    @Test
    void anImageWhoseDevIsASymlinkCannotMakeTheShimTouchHostPaths() throws Exception {
        Path hostDev = Files.createDirectory(berth.dir.resolve("hostdev"));
        String image = image("devlink", root -> {
            deleteTree(root.resolve("dev"));
            link(root.resolve("dev"), hostDev);
        });
        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", image, "sh", "-c",
                "ls /dev/null && readlink /dev/stdin");
        assertEquals(List.of(), names(hostDev), "nothing was made in the host's folder");
        assertEquals("/dev/null\n/proc/self/fd/0\n", r.out(), "the container's /dev is "
                + "made where the link leads inside its root: " + r.err());
        assertTrue(berth.mounts().isEmpty() || berth.mounts().stream()
                .noneMatch(m -> m.startsWith(hostDev.toString())));
    }

    private interface Change {
        void apply(Path root) throws IOException;
    }

    /** Busybox's rootfs with a change, imported as an image; its name. */
    private static String image(String name, Change change) throws Exception {
        Path root = Files.createDirectory(berth.dir.resolve("rootfs-" + name));
        Path tar = berth.dir.resolve(name + ".tar");
        sh("tar -xOf '" + BerthCli.fixtures().resolve("busybox-docker-archive.tar") + "' "
                + LAYER + " | tar -x -C '" + root + "'");
        change.apply(root);
        sh("tar -C '" + root + "' -cf '" + tar + "' .");
        assertEquals(0, berth.run("import", tar.toString(), name + ":latest").code());
        deleteTree(root);
        return name + ":latest";
    }

    private static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).inheritIO().start();
        assertEquals(0, p.waitFor(), script);
    }

    private static void link(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }

    private static List<String> names(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
