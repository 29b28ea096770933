package io.berth.runtime;

import io.berth.sys.Errno;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The state root's reaper ({@code berth-shim reaper}, native/reaper.c): the long-lived parent
 * of every monitor, so that monitors which exit are reaped even on a host whose pid 1 never
 * waits for orphans. A connection to its socket becomes one new monitor; the connection then
 * carries that monitor's handshake.
 *
 * <p>It is started on first need, as a child of this JVM. It exits once idle while this JVM
 * lives (which then reaps it). Closed with containers still running, it serves every later
 * caller too, one reaper per state root, and leaves after its last monitor; should this JVM
 * die without closing, it stays for the next caller.
 */
final class Reaper {
    /** Serialises "connect, else start one" among this JVM's threads; a file lock among JVMs. */
    private static final Object START = new Object();
    /**
     * How long an idle reaper waits for more work before it exits: briefly while its spawner
     * lives (the JVM starts it again on its next container); a while longer once orphaned (a
     * CLI killed, or a JVM that never closed it), for the next CLI to find it, but not for ever
     * (one of an earlier build is never found again).
     */
    static final Duration IDLE = Duration.ofSeconds(2);
    static final Duration ORPHANED_IDLE = Duration.ofMinutes(1);

    private final Path stateRoot;
    private final Path shim;
    private Process started;

    /**
     * The reaper of this shim build lives in a folder of its own under the state root, named
     * by the binary's size and modification time: a reaper keeps the shim it started with (in
     * a sealed memfd), and one of an earlier build, still serving its containers' monitors
     * after an upgrade, would refuse the plans of a newer one. It leaves once idle.
     */
    Reaper(Path stateRoot, Path shim) {
        this.stateRoot = stateRoot.resolve(".reapers").resolve(build(shim));
        this.shim = shim;
    }

    private static String build(Path shim) {
        try {
            return Long.toHexString(Files.size(shim)) + "-" + Long.toHexString(
                    Files.getLastModifiedTime(shim).toMillis());
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The berth-shim binary the reaper and the monitors run. */
    Path shim() {
        return shim;
    }

    /** A new monitor for the state folder, connected; the caller runs the handshake on it. */
    SocketChannel spawn(Path stateFolder) throws IOException {
        String command = "create " + stateFolder;
        try {
            return MonitorSocket.open(socket(), command);
        } catch (IOException e) {
            // None yet, or an idle one has just gone: start one, unless another caller did.
        }
        synchronized (START) {
            Files.createDirectories(stateRoot);
            try (FileChannel lockFile = FileChannel.open(stateRoot.resolve("reaper.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                try {
                    return MonitorSocket.open(socket(), command);
                } catch (IOException e) {
                    start();
                    return MonitorSocket.open(socket(), command);
                }
            }
        }
    }

    /**
     * Asks the reaper this instance started (if any) to wind down: it takes no more work and
     * exits, reaped by this JVM, once its last monitor has gone. Returns without waiting when
     * containers still run: their monitors keep it until they exit.
     */
    void close() {
        Process process;
        synchronized (START) {
            process = started;
            started = null;
        }
        if (process == null) {
            return;
        }
        process.destroy();
        if (hasChildren(process.pid())) {
            return; // it serves its monitors, and later callers, until they are gone
        }
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the reaper has monitors: it then stays, and waiting for it would hold up every
     * `run -d` for the full timeout. Unknown (no /proc children file) counts as none.
     */
    private static boolean hasChildren(long pid) {
        Path children = Path.of("/proc", Long.toString(pid), "task", Long.toString(pid),
                "children");
        try {
            return !Files.readString(children).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private Path socket() {
        return stateRoot.resolve("reaper.sock");
    }

    private void start() throws IOException {
        Process reaper = new ProcessBuilder(shim.toString(), "reaper", stateRoot.toString(),
                Long.toString(IDLE.toMillis()), Long.toString(ORPHANED_IDLE.toMillis()))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        stateRoot.resolve("reaper.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(
                reaper.getInputStream(), StandardCharsets.US_ASCII))) {
            String line = out.readLine();
            if (line == null || !line.startsWith("ready ")) {
                reaper.destroyForcibly();
                throw ShimAnswer.failure("start the shim's reaper " + shim, line);
            }
            started = reaper;
        } catch (UncheckedIOException e) {
            throw new ContainerStartException("start the shim's reaper " + shim + ": "
                    + e.getMessage(), Errno.EIO, e);
        }
    }
}
