package io.berth.cli;

import io.berth.sys.Sys;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The command socket's twin for the thin client: {@value Forward#SLOTS} slots under
 * {@code <runroot>/cli/}, each a pair of FIFOs ({@code in}, the command line; {@code out}, the
 * framed answer) served by a thread of its own. A client claims a slot by creating its
 * {@code claim} file (O_EXCL) and writes its pid there.
 *
 * <p>Why FIFOs beside a perfectly good socket: a JVM opens a FIFO with the plain file streams it
 * has loaded before main, while its first Unix-domain socket initialises the JDK's security
 * providers (a SecureRandom for temporary socket names), about 25 ms of CPU of a client whose
 * whole budget is a few tens. Nothing standard relays an argv and framed stdio over FIFOs, so
 * this is Berth's own; the client falls back to the socket when every slot is taken.
 */
final class CommandFifos implements AutoCloseable {
    static final int SLOTS = Forward.SLOTS;
    static final String DIR = Forward.SLOT_DIR;
    private static final int S_IFIFO = 0010000;
    private static final long SWEEP_MILLIS = 2000;

    private final Path dir;
    private final CommandServer server;
    private final List<Thread> threads = new ArrayList<>();
    /** Per slot: whether its thread waits for a client to open {@code in}. */
    private final AtomicBoolean[] waiting = new AtomicBoolean[SLOTS];
    private volatile boolean closed;

    private CommandFifos(Path dir, CommandServer server) {
        this.dir = dir;
        this.server = server;
    }

    /** Makes the slots under runroot/cli (root only) and serves them. */
    static CommandFifos start(Path runroot, CommandServer server, Sys sys) {
        Path dir = runroot.resolve(DIR);
        CommandFifos fifos = new CommandFifos(dir, server);
        try {
            removeTree(dir);
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            for (int i = 0; i < SLOTS; i++) {
                Path slot = Files.createDirectory(dir.resolve(Integer.toString(i)));
                sys.mknod(slot.resolve("in").toString(), S_IFIFO | 0600, 0, 0);
                sys.mknod(slot.resolve("out").toString(), S_IFIFO | 0600, 0, 0);
                fifos.waiting[i] = new AtomicBoolean();
                int n = i;
                fifos.threads.add(Thread.ofPlatform().name("command-slot-" + i).daemon(true)
                        .start(() -> fifos.serveSlot(n, slot)));
            }
            fifos.threads.add(Thread.ofPlatform().name("command-slot-sweeper").daemon(true)
                    .start(fifos::sweep));
            // Written last: a client takes the slots only once this names a live engine.
            Files.writeString(dir.resolve("pid"), Long.toString(ProcessHandle.current().pid()));
            return fifos;
        } catch (IOException e) {
            throw new UncheckedIOException("make the command slots in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    private void serveSlot(int n, Path slot) {
        String in = slot.resolve("in").toString();
        Object key;
        try {
            key = Files.readAttributes(slot.resolve("in"), BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return; // removed under us: nothing to serve
        }
        while (!closed) {
            waiting[n].set(true);
            // Blocks until a client opens the other end for writing.
            try (FileInputStream request = new FileInputStream(in)) {
                waiting[n].set(false);
                if (closed) {
                    return;
                }
                // Read-write, so that opening never waits for the client's read end; writes
                // are interruptible through the channel, should the client be gone.
                try (RandomAccessFile out = new RandomAccessFile(slot.resolve("out").toFile(),
                        "rw"); FileChannel channel = out.getChannel()) {
                    server.serve(new DataInputStream(request), Channels.newOutputStream(channel),
                            key);
                }
            } catch (IOException e) {
                // A client gone mid-answer: the slot is free again all the same.
            } finally {
                Thread.interrupted(); // a hang-up's interrupt must not reach the next command
                release(slot);
            }
        }
    }

    private static void release(Path slot) {
        try {
            Files.deleteIfExists(slot.resolve("claim"));
        } catch (IOException e) {
            // Swept again later.
        }
    }

    /**
     * A client killed between its claim and its request leaves a claim that no request will
     * ever end: a claim on a waiting slot whose process is gone (or which never wrote its pid)
     * is removed.
     */
    private void sweep() {
        while (!closed) {
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            for (int i = 0; i < SLOTS; i++) {
                Path claim = dir.resolve(Integer.toString(i)).resolve("claim");
                if (waiting[i].get() && abandoned(claim)) {
                    release(claim.getParent());
                }
            }
        }
    }

    private static boolean abandoned(Path claim) {
        try {
            String pid = Files.readString(claim).strip();
            if (pid.isEmpty()) {
                return System.currentTimeMillis() - Files.getLastModifiedTime(claim).toMillis()
                        > SWEEP_MILLIS;
            }
            return !Files.exists(Path.of("/proc", pid));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | NumberFormatException e) {
            return true;
        }
    }

    /** The folder of the slots. */
    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        closed = true;
        try {
            Files.deleteIfExists(dir.resolve("pid"));
            for (int i = 0; i < SLOTS; i++) {
                // A read-write open never blocks, and it ends a slot thread's wait for a writer.
                Path in = dir.resolve(Integer.toString(i)).resolve("in");
                if (waiting[i].get() && Files.exists(in)) {
                    new RandomAccessFile(in.toFile(), "rw").close();
                }
            }
            removeTree(dir);
        } catch (IOException e) {
            // Shutting down: the next start makes the folder anew.
        }
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
