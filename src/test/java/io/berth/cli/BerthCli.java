package io.berth.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs berth command lines in this JVM against a root and runroot of a test's own, capturing
 * what they print, and checks that nothing of Berth's is left on the machine afterwards.
 */
final class BerthCli implements AutoCloseable {
    /** What one command printed and returned. */
    record Result(int code, String out, String err) {
        String line() {
            return out.strip();
        }
    }

    final Path dir;
    final Path root;
    final Path runroot;
    /** This root's default bridge, so that tests never share one with another root. */
    final String bridge;
    final String subnet;

    BerthCli() {
        try {
            // Short, since a socket's path must fit in 108 bytes and ids are 64 long.
            String name = "bt" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
            dir = Files.createDirectory(Path.of("/tmp", name),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                            "rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        root = dir.resolve("root");
        runroot = dir.resolve("run");
        bridge = dir.getFileName().toString();
        subnet = "10.79." + Math.floorMod(bridge.hashCode(), 250) + ".0/24";
    }

    /** A CLI on a fresh root with the busybox fixture image loaded. */
    static BerthCli withBusybox() {
        BerthCli cli = new BerthCli();
        Result load = cli.run("load", "-i", fixtures().resolve("busybox-docker-archive.tar")
                .toString());
        if (load.code() != 0) {
            throw new IllegalStateException("load the busybox fixture: " + load.err());
        }
        return cli;
    }

    static Path fixtures() {
        return Path.of(System.getProperty("berth.fixtures", "../shared/fixtures"));
    }

    /** Runs one command line, with stdin empty unless given. */
    synchronized Result run(String... args) {
        return runWithInput(InputStream.nullInputStream(), args);
    }

    synchronized Result runWithInput(InputStream stdin, String... args) {
        return runOn(bridge, subnet, stdin, args);
    }

    /** Runs a command line on this root with another default bridge (another root's, say). */
    synchronized Result runOn(String otherBridge, String otherSubnet, InputStream stdin,
            String... args) {
        List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--runroot",
                runroot.toString(), "--bridge-name", otherBridge, "--bridge-subnet",
                otherSubnet));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setIn(stdin);
        try {
            int code = Main.run(all.toArray(String[]::new));
            return new Result(code, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    /**
     * Runs a berth command line in a new JVM on a terminal of its own (util-linux `script`
     * gives it a pty), with the terminal set to rows x columns first; returns what the
     * terminal showed.
     */
    String runOnTerminal(int rows, int columns, String... args) throws Exception {
        List<String> java = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "-Dberth.shim="
                        + System.getProperty("berth.shim"), "io.berth.cli.Main", "--root",
                root.toString(), "--runroot", runroot.toString(), "--bridge-name", bridge,
                "--bridge-subnet", subnet));
        java.addAll(List.of(args));
        StringBuilder line = new StringBuilder("stty rows " + rows + " cols " + columns + ";");
        for (String word : java) {
            line.append(" '").append(word.replace("'", "'\\''")).append("'");
        }
        Process p = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Mount points below this test's folder (there should be none once containers are gone). */
    List<String> mounts() {
        try {
            List<String> found = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4];
                if (mountPoint.startsWith(dir.toString())) {
                    found.add(mountPoint);
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cgroup folders of a container in any hierarchy. */
    static List<Path> cgroups(String id) {
        List<Path> found = new ArrayList<>();
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            hierarchies.forEach(h -> {
                Path group = h.resolve("berth").resolve(id);
                if (Files.isDirectory(group)) {
                    found.add(group);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    static void exec(String... command) throws IOException {
        try {
            new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits (5 s at most) for the exit commands of this root's containers: a `berth
     * container-cleanup` JVM still running would open the engine on the folder being deleted
     * and make it again. They are found by this root's path in their command line.
     */
    private void awaitExitCommands() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String self = Long.toString(ProcessHandle.current().pid());
        while (System.nanoTime() < deadline) {
            boolean running = false;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.toList()) {
                    String pid = proc.getFileName().toString();
                    if (!pid.chars().allMatch(Character::isDigit) || pid.equals(self)) {
                        continue;
                    }
                    String cmdline = cmdline(proc);
                    running |= cmdline.contains("container-cleanup")
                            && cmdline.contains(root.toString());
                }
            } catch (IOException e) {
                return;
            }
            if (!running) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String cmdline(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("cmdline")),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes every container, then the folder, unmounting anything left first. */
    @Override
    public void close() throws IOException {
        Result ids = run("ps", "-a", "-q", "--no-trunc");
        for (String id : ids.out().split("\\s+")) {
            if (!id.isBlank()) {
                run("rm", "-f", id);
            }
        }
        run("network", "prune", "-f");
        if (Files.exists(Path.of("/sys/class/net", bridge))) {
            exec("ip", "link", "delete", bridge);
        }
        Files.deleteIfExists(Path.of("/run/berth-bridges", bridge));
        awaitExitCommands();
        List<String> left = mounts();
        for (int i = left.size() - 1; i >= 0; i--) {
            exec("umount", "-l", left.get(i));
        }
        if (mounts().isEmpty()) {
            try (var walk = Files.walk(dir)) {
                walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The real docker CLI (client only) on a Docker API socket of this root's service. */
    Result docker(Path socket, String... args) {
        List<String> argv = new ArrayList<>(List.of("/usr/local/bin/docker"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        pb.environment().remove("DOCKER_API_VERSION");
        return collect(pb);
    }

    /** Runs a process to its end with stdin closed: its code, output and errors. */
    Result collect(ProcessBuilder pb) {
        Path errFile = dir.resolve("stderr-" + System.nanoTime());
        pb.redirectError(errFile.toFile());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // stderr goes to a file, so reading stdout to its end cannot block on it.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(pb.command() + " did not finish in 60 s");
            }
            String err = Files.readString(errFile);
            Files.delete(errFile);
            return new Result(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
