package io.berth.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the privileged tests make on the host and must remove again: named network namespaces
 * (with their /etc/netns files), processes started inside them, and the facts counted before
 * and after (links, iptables rules).
 */
final class HostNet implements AutoCloseable {
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** The output of a command that must succeed. */
    static String run(String... cmd) {
        Result r = exec(cmd);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": exit " + r.exit() + ": "
                    + r.output());
        }
        return r.output();
    }

    record Result(int exit, String output) {
    }

    static Result exec(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(Arrays.toString(cmd) + ": timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String randomHex(int digits) {
        byte[] b = new byte[(digits + 1) / 2];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b).substring(0, digits);
    }

    /** A new named namespace, berth-test-RANDOM; returns its name. */
    String netns() {
        String name = "berth-test-" + randomHex(8);
        run("ip", "netns", "add", name);
        namespaces.add(name);
        return name;
    }

    static String path(String netns) {
        return "/run/netns/" + netns;
    }

    /**
     * A folder /etc/netns/NAME: `ip netns exec` mounts its files over /etc, so a hosts file
     * written there is what programs run in the namespace resolve names with.
     */
    static Path etc(String netns) {
        Path dir = Path.of("/etc/netns", netns);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Deletes a namespace now (as a crashed container's would vanish). */
    void deleteNetns(String name) {
        run("ip", "netns", "delete", name);
        namespaces.remove(name);
        deleteEtc(name);
    }

    /** Starts a command inside a namespace; it is ended by pid at close. */
    Process start(String netns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(cmd));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command inside a namespace and returns its exit status and output. */
    static Result in(String netns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(cmd));
        return exec(full.toArray(String[]::new));
    }

    /** Network devices in the host's namespace. */
    static List<String> links() {
        return run("ip", "-o", "link", "show").lines().toList();
    }

    /** Every iptables rule and chain of the host, as iptables-save prints them. */
    static List<String> iptables() {
        return run("iptables-save").lines()
                .filter(l -> !l.startsWith("#")).toList();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : List.copyOf(namespaces)) {
            exec("ip", "netns", "delete", ns);
            deleteEtc(ns);
        }
        namespaces.clear();
    }

    private static void deleteEtc(String netns) {
        Path dir = Path.of("/etc/netns", netns);
        try {
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    for (Path f : s.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
            try (var s = Files.list(dir.getParent())) {
                if (s.findAny().isEmpty()) {
                    Files.delete(dir.getParent());
                }
            }
        } catch (IOException e) {
            // Already gone, or /etc/netns still used by another namespace: both are fine.
        }
    }
}
