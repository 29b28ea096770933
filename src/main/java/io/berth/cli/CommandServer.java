package io.berth.cli;

import io.berth.api.ApiService;
import io.berth.api.EnginePool;
import io.berth.engine.EngineConfig;
import io.berth.sys.Errno;
import io.berth.sys.Sys;
import io.berth.sys.SysException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's command socket, {@code <runroot>/berth.sock}, and its FIFO slots (see
 * {@link CommandFifos}): runs the command lines that {@link Forward} hands over as the CLI
 * would, on this service's warm engines, and sends back what they print and their exit code.
 * Root only (0600 and 0700), as the engine is root.
 */
final class CommandServer implements AutoCloseable {
    /** As many arguments as Linux passes to a program (ARG_MAX's 2 MiB of pointers at most). */
    private static final int MAX_ARGS = 262144;
    private static final int MAX_ARG_BYTES = 1 << 20;
    /** The launcher's own request form (see {@link #serveDirect}): "BRTD". */
    static final int DIRECT = 0x42525444;
    /** The direct answer when the launcher's output cannot be taken. */
    static final String UNREACHABLE = "unreachable";
    private static final int SIGPIPE = 13;

    private final Path socket;
    private final ServerSocketChannel server;
    private final EnginePool pool;
    private final Sys sys;
    private final Thread acceptor;
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger servedDirect = new AtomicInteger();
    private CommandFifos fifos;
    private final AtomicInteger active = new AtomicInteger();

    private CommandServer(Path socket, ServerSocketChannel server, EnginePool pool, Sys sys) {
        this.socket = socket;
        this.server = server;
        this.pool = pool;
        this.sys = sys;
        this.acceptor = Thread.ofPlatform().name("command-accept").daemon(true)
                .unstarted(this::acceptLoop);
    }

    /** Listens on the runroot's command socket; commands run on engines of {@code config}. */
    static CommandServer start(EngineConfig config) {
        Path socket = config.runroot().resolve(Forward.SOCKET_NAME);
        try {
            Files.createDirectories(config.runroot());
            ApiService.refuseLiveSocket(socket);
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), 64);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            ThreadOutput.install();
            // Long-lived engines, warm for each start; their containers' monitors still finish
            // them by exit command, as a CLI's, since no follower of the API service's sees them.
            Sys sys = Sys.linux();
            CommandServer commands = new CommandServer(socket, server,
                    new EnginePool(config.asLongLived()), sys);
            commands.acceptor.start();
            try {
                commands.fifos = CommandFifos.start(config.runroot(), commands, sys);
            } catch (RuntimeException e) {
                commands.close();
                throw e;
            }
            return commands;
        } catch (IOException e) {
            throw new UncheckedIOException("listen on " + socket + ": " + e.getMessage(), e);
        }
    }

    Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofPlatform().name("command").daemon(true).start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            serve(new DataInputStream(Channels.newInputStream(client)),
                    Channels.newOutputStream(client));
        } catch (IOException e) {
            // Closing a connection whose client is gone.
        }
    }

    /**
     * Reads one command line from {@code request}, runs it on a warm engine with its output
     * framed to {@code answer}, and ends with its exit code. The request stream stays open
     * while the command runs: its end means the client is gone.
     */
    void serve(DataInputStream request, OutputStream answer) {
        serve(request, answer, null);
    }

    /**
     * As {@link #serve(DataInputStream, OutputStream)}, for a FIFO slot whose request FIFO has
     * the file key {@code slot}: returns only once the client has closed its end of the request
     * too, so that the slot is handed to the next client only when nothing of the last one can
     * still reach it. A request in the launcher's own form (see {@link #serveDirect}) is taken
     * only there, and answered in that form.
     */
    void serve(DataInputStream request, OutputStream answer, Object slot) {
        active.incrementAndGet();
        try {
            int magic = request.readInt();
            HangUp hangUp;
            if (magic == Forward.MAGIC) {
                hangUp = serveFramed(request, answer);
            } else if (magic == DIRECT && slot != null) {
                hangUp = serveDirect(request, answer, slot);
            } else {
                return; // not a berth command line: nothing to answer
            }
            if (slot != null) {
                hangUp.awaitGone();
            }
        } catch (Exception e) {
            // The client went away, or sent no command line: nothing to answer.
        } finally {
            active.decrementAndGet();
        }
    }

    /** The Java client's form: flags, argv, and an answer of frames (see {@link Forward}). */
    private HangUp serveFramed(DataInputStream request, OutputStream answer) throws Exception {
        boolean terminal = (request.readInt() & Forward.TERMINAL) != 0;
        String[] args = readArgs(request);
        return run(request, terminal, args, hangUp -> {
            Frames frames = new Frames(new DataOutputStream(answer), hangUp.silenced());
            int code = runOn(frames.stream(Forward.STDOUT), frames.stream(Forward.STDERR),
                    terminal, args);
            frames.exit(code);
        });
    }

    /**
     * The launcher's own form, which bash writes and reads with builtins alone, so that a
     * relayed command starts no JVM of its own: after the magic, NUL-terminated fields (flags,
     * the launcher's pid, the count of arguments, the arguments). The engine takes the
     * launcher's stdout and stderr (see {@link Sys#pidfdGetfd}) and writes to them itself; the
     * answer is one line, the exit code, or {@value #UNREACHABLE} when the launcher's output
     * cannot be taken (then nothing ran, and the launcher relays through its Java client).
     *
     * <p>The pid is the launcher's word, and a launcher in a pid namespace of its own names a
     * pid of that namespace, another process here: descriptors are taken only from a process
     * that holds this slot's request FIFO open, which only the slot's claimant does.
     */
    private HangUp serveDirect(DataInputStream request, OutputStream answer, Object slot)
            throws Exception {
        boolean terminal = (parseField(request) & Forward.TERMINAL) != 0;
        long pid = parseField(request);
        long count = parseField(request);
        if (count < 0 || count > MAX_ARGS) {
            throw new IOException("too many arguments: " + count);
        }
        String[] args = new String[(int) count];
        for (int i = 0; i < args.length; i++) {
            args[i] = readField(request, MAX_ARG_BYTES);
        }
        int out;
        int err;
        if (!holdsOpen(pid, slot)) {
            return unreachable(request, answer);
        }
        int pidfd;
        try {
            pidfd = sys.pidfdOpen(pid);
        } catch (RuntimeException e) {
            return unreachable(request, answer);
        }
        try {
            // After pidfd_open: should the pid be taken by another process meanwhile, the
            // check fails, or the pidfd still names the process that held the FIFO.
            if (!holdsOpen(pid, slot)) {
                return unreachable(request, answer);
            }
            out = takeOutput(pidfd, 1, slot);
            if (out == UNTAKEN) {
                return unreachable(request, answer);
            }
            err = takeOutput(pidfd, 2, slot);
            if (err == UNTAKEN) {
                closeTaken(out);
                return unreachable(request, answer);
            }
        } finally {
            sys.close(pidfd);
        }
        servedDirect.incrementAndGet();
        return run(request, terminal, args, hangUp -> {
            // A client gone, or one whose reader is gone (`berth logs -f | head`), hears
            // nothing more: the command's last words (an interrupted wait, say) would reach a
            // terminal or pipe it no longer owns. The latter exits as if killed by SIGPIPE.
            // A command that must finish (a run's create and start, say) goes on, silent; its
            // launcher hears 141 at once, as a docker CLI killed by SIGPIPE would end.
            // Silenced, the launcher's descriptors are closed at once: a copy kept open here
            // would keep its pipes open, and whoever reads them to their end would wait.
            AtomicBoolean silenced = hangUp.silenced();
            AtomicBoolean answered = new AtomicBoolean();
            List<OutputStream> taken = new CopyOnWriteArrayList<>();
            Runnable close = () -> taken.forEach(CommandServer::closeQuietly);
            Runnable broken = () -> {
                close.run();
                if (hangUp.interruptible()) {
                    hangUp.interruptCommand();
                } else if (answered.compareAndSet(false, true)) {
                    answerQuietly(answer, Integer.toString(128 + SIGPIPE));
                }
            };
            int code;
            try (OutputStream stdout = clientOutput(out, silenced, broken);
                    OutputStream stderr = clientOutput(err, silenced, broken)) {
                taken.add(stdout);
                taken.add(stderr);
                hangUp.onSilence(close);
                code = runOn(stdout, stderr, terminal, args);
            }
            if (answered.compareAndSet(false, true)) {
                answer(answer, Integer.toString(silenced.get() ? 128 + SIGPIPE : code));
            }
        });
    }

    /** What a closed stdout or stderr of the launcher's becomes: writes that go nowhere. */
    private OutputStream clientOutput(int fd, AtomicBoolean silenced, Runnable broken) {
        return fd == CLOSED ? OutputStream.nullOutputStream()
                : new ClientOutput(sys, fd, silenced, broken);
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // Closing a descriptor of ours: nothing to say.
        }
    }

    private void closeTaken(int fd) {
        if (fd >= 0) {
            sys.close(fd);
        }
    }

    /** Whether the process has a descriptor open on the file with that key. */
    private static boolean holdsOpen(long pid, Object key) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(
                pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (key.equals(Files.readAttributes(fd, BasicFileAttributes.class)
                            .fileKey())) {
                        return true;
                    }
                } catch (IOException e) {
                    // Closed meanwhile, or a descriptor stat cannot follow.
                }
            }
        } catch (IOException e) {
            return false; // gone
        }
        return false;
    }

    /** {@link #takeOutput}: nothing could be taken; the launcher's descriptor is closed. */
    private static final int UNTAKEN = -1;
    private static final int CLOSED = -2;

    /**
     * The launcher's stdout or stderr, {@link #CLOSED} when the launcher has none (`>&-`: its
     * output then goes nowhere, as a program's own writes to a closed descriptor do), or
     * {@link #UNTAKEN}. bash writes the request with {@code printf ... >&3}, which points its
     * fd 1 at the slot's FIFO until printf is done: a descriptor taken in that moment is the
     * FIFO, and is taken again a moment later.
     */
    private int takeOutput(int pidfd, int fd, Object slot) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (true) {
            int taken;
            try {
                taken = sys.pidfdGetfd(pidfd, fd);
            } catch (SysException e) {
                return e.errno() == Errno.EBADF ? CLOSED : UNTAKEN;
            } catch (RuntimeException e) {
                return UNTAKEN;
            }
            Object key;
            try {
                key = Files.readAttributes(Path.of("/proc/self/fd/" + taken),
                        BasicFileAttributes.class).fileKey();
            } catch (IOException e) {
                key = null; // not a file we can look at (a socket): not the slot's FIFO
            }
            if (!slot.equals(key)) {
                return taken;
            }
            sys.close(taken);
            if (System.nanoTime() > deadline) {
                return UNTAKEN;
            }
            Thread.sleep(0, 100_000);
        }
    }

    /** Says that nothing ran; the watch, to wait for the client's end as after a command. */
    private static HangUp unreachable(DataInputStream request, OutputStream answer)
            throws IOException {
        answer(answer, UNREACHABLE);
        HangUp idle = new HangUp(Thread.currentThread(), false);
        idle.finish();
        return idle.watch(request, new SignalProxy.Target());
    }

    /** Work of a command with its hang-up watch running. */
    private interface Command {
        void run(HangUp hangUp) throws Exception;
    }

    /**
     * Runs a command while its client's request stream is watched for signals and its end;
     * the watch, once the command is over.
     */
    private HangUp run(DataInputStream request, boolean terminal, String[] args,
            Command command) throws Exception {
        served.incrementAndGet();
        SignalProxy.Target signals = new SignalProxy.Target();
        SignalProxy.SERVED.set(signals);
        HangUp hangUp = new HangUp(Thread.currentThread(),
                !MUST_FINISH.contains(Forward.verb(args))).watch(request, signals);
        try {
            command.run(hangUp);
        } finally {
            hangUp.finish();
            SignalProxy.SERVED.remove();
        }
        return hangUp;
    }

    private int runOn(OutputStream stdout, OutputStream stderr, boolean terminal,
            String[] args) throws Exception {
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            return ThreadOutput.with(out, err, terminal, () -> pool.with(engine ->
                    Main.run(engine, args)));
        }
    }

    private static void answerQuietly(OutputStream answer, String line) {
        try {
            answer(answer, line);
        } catch (IOException e) {
            // The launcher is gone too.
        }
    }

    private static void answer(OutputStream answer, String line) throws IOException {
        answer.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        answer.flush();
    }

    /** A NUL-terminated field of at most {@code max} bytes, as UTF-8. */
    private static String readField(DataInputStream in, int max) throws IOException {
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        for (int b = in.read(); b != 0; b = in.read()) {
            if (b < 0) {
                throw new IOException("the command line ended mid-field");
            }
            if (field.size() >= max) {
                throw new IOException("field too long");
            }
            field.write(b);
        }
        return field.toString(StandardCharsets.UTF_8);
    }

    private static long parseField(DataInputStream in) throws IOException {
        String field = readField(in, 20);
        try {
            return Long.parseLong(field);
        } catch (NumberFormatException e) {
            throw new IOException("not a number: " + field);
        }
    }

    /**
     * The verbs whose command goes on when its client is gone, silent, as dockerd goes on
     * with what a killed docker CLI asked for: a run interrupted between its create and its
     * start left a created container with its monitor, mount and network (and --rm never came
     * to it). Others (logs -f, wait, stats, pull, exec, ...) are interrupted.
     */
    private static final Set<String> MUST_FINISH = Set.of("run", "create", "start", "stop",
            "restart", "kill", "rm", "pause", "unpause", "rename", "container-cleanup");

    /**
     * A hang-up's interrupt, delivered only while the command runs. The client sends nothing
     * after its command line but the signals it gets (sig-proxy): the end of its stream means
     * it is gone (Ctrl-C on `logs -f`, say), and the command is silenced, and interrupted
     * rather than left running unless it must finish. Once the command has ended, the watch
     * interrupts nothing: a slot's thread goes on to serve the next client.
     */
    private static final class HangUp {
        private final Thread command;
        private final boolean interruptible;
        private final CountDownLatch gone = new CountDownLatch(1);
        private final AtomicBoolean silenced = new AtomicBoolean();
        private Runnable onSilence;
        private boolean finished;

        HangUp(Thread command, boolean interruptible) {
            this.command = command;
            this.interruptible = interruptible;
        }

        boolean interruptible() {
            return interruptible;
        }

        /** Starts watching the request stream; returns this. */
        HangUp watch(DataInputStream in, SignalProxy.Target signals) {
            // A platform thread: a virtual one blocked reading a FIFO holds its carrier, and
            // two such watchers took both carriers of a 2-core machine from every other virtual
            // thread of the engine (a CNI plugin's stderr reader among them), so commands hung.
            Thread.ofPlatform().daemon(true).name("command-hangup").start(() -> {
                try {
                    for (int b = in.read(); b >= 0; b = in.read()) {
                        if (b == Forward.SIGNAL) {
                            int signal = in.read();
                            if (signal > 0) {
                                signals.deliver(signal);
                            }
                        }
                    }
                } catch (IOException e) {
                    // Closed by the command's end: the same as a hang-up, and then harmless.
                }
                fire();
            });
            return this;
        }

        void fire() {
            Runnable action = null;
            synchronized (this) {
                if (!finished) {
                    silenced.set(true);
                    action = onSilence;
                }
                gone.countDown();
            }
            // Outside the lock: closing waits for a write under way, whose EPIPE may call
            // back into interruptCommand.
            if (action != null) {
                action.run();
            }
            interruptCommand();
        }

        /** Runs {@code action} when the client goes while its command runs (at once if so). */
        void onSilence(Runnable action) {
            boolean now;
            synchronized (this) {
                onSilence = action;
                now = silenced.get() && !finished;
            }
            if (now) {
                action.run();
            }
        }

        /** Set once the client is gone while its command runs, or its output broke. */
        AtomicBoolean silenced() {
            return silenced;
        }

        /** Interrupts the command, unless it has ended or must finish. */
        synchronized void interruptCommand() {
            if (!finished && interruptible) {
                command.interrupt();
            }
        }

        /** Waits until the client's end of the request is closed (it exits at once). */
        void awaitGone() throws InterruptedException {
            gone.await();
        }

        /** Called by the command's thread as it ends; clears an interrupt not yet seen. */
        synchronized void finish() {
            finished = true;
            Thread.interrupted();
        }
    }

    /** How many command lines run now. */
    int active() {
        return active.get();
    }

    /** How many command lines this server has taken. */
    int served() {
        return served.get();
    }

    /** How many of them came in the launcher's own form, and ran with its output taken. */
    int servedDirect() {
        return servedDirect.get();
    }

    private static String[] readArgs(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ARGS) {
            throw new IOException("too many arguments: " + count);
        }
        String[] args = new String[count];
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            if (length < 0 || length > MAX_ARG_BYTES) {
                throw new IOException("argument too long: " + length);
            }
            args[i] = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        return args;
    }

    @Override
    public void close() {
        if (fifos != null) {
            fifos.close();
        }
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // Shutting down: a socket file left behind is replaced at the next start.
        }
        pool.close();
    }

    /** The answer's frames: stdout and stderr chunks, then the exit code. */
    private static final class Frames {
        private final DataOutputStream out;
        /** Set once the client is gone: nothing more is written, nobody would read it. */
        private final AtomicBoolean silenced;

        Frames(DataOutputStream out, AtomicBoolean silenced) {
            this.out = out;
            this.silenced = silenced;
        }

        OutputStream stream(int kind) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (silenced.get()) {
                        throw new IOException("the client is gone");
                    }
                    synchronized (out) {
                        out.writeByte(kind);
                        out.writeInt(len);
                        out.write(b, off, len);
                        out.flush();
                    }
                }
            };
        }

        void exit(int code) throws IOException {
            synchronized (out) {
                out.writeByte(Forward.EXIT);
                out.writeInt(code);
                out.flush();
            }
        }
    }
}
