package io.berth.cli;

import io.berth.api.ApiService;
import io.berth.api.EnginePool;
import io.berth.engine.EngineConfig;
import io.berth.sys.Sys;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's command socket, {@code <runroot>/berth.sock}, and its FIFO slots (see
 * {@link CommandFifos}): runs the command lines that {@link Forward} hands over as the CLI
 * would, on this service's warm engines, and sends back what they print and their exit code.
 * Root only (0600 and 0700), as the engine is root.
 */
final class CommandServer implements AutoCloseable {
    private static final int MAX_ARGS = 4096;
    private static final int MAX_ARG_BYTES = 1 << 20;

    private final Path socket;
    private final ServerSocketChannel server;
    private final EnginePool pool;
    private final Thread acceptor;
    private final AtomicInteger served = new AtomicInteger();
    private CommandFifos fifos;
    private final AtomicInteger active = new AtomicInteger();

    private CommandServer(Path socket, ServerSocketChannel server, EnginePool pool) {
        this.socket = socket;
        this.server = server;
        this.pool = pool;
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
            CommandServer commands = new CommandServer(socket, server, new EnginePool(config));
            commands.acceptor.start();
            try {
                commands.fifos = CommandFifos.start(config.runroot(), commands, Sys.linux());
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
        serve(request, answer, false);
    }

    /**
     * As {@link #serve(DataInputStream, OutputStream)}; with {@code untilGone}, returns only
     * once the client has closed its end of the request too, so that a FIFO slot is handed to
     * the next client only when nothing of the last one can still reach it.
     */
    void serve(DataInputStream request, OutputStream answer, boolean untilGone) {
        active.incrementAndGet();
        try {
            boolean terminal = (readFlags(request) & Forward.TERMINAL) != 0;
            String[] args = readArgs(request);
            served.incrementAndGet();
            SignalProxy.Target signals = new SignalProxy.Target();
            SignalProxy.SERVED.set(signals);
            HangUp hangUp = watchForHangUp(request, Thread.currentThread(), signals);
            try {
                Frames frames = new Frames(new DataOutputStream(answer));
                int code;
                try (PrintStream out = new PrintStream(frames.stream(Forward.STDOUT), true,
                        StandardCharsets.UTF_8);
                        PrintStream err = new PrintStream(frames.stream(Forward.STDERR), true,
                                StandardCharsets.UTF_8)) {
                    code = ThreadOutput.with(out, err, terminal, () -> pool.with(engine ->
                            Main.run(engine, args)));
                }
                frames.exit(code);
            } finally {
                hangUp.finish();
                SignalProxy.SERVED.remove();
            }
            if (untilGone) {
                hangUp.awaitGone();
            }
        } catch (Exception e) {
            // The client went away, or sent no command line: nothing to answer.
        } finally {
            active.decrementAndGet();
        }
    }

    /**
     * The client sends nothing after its command line: the end of its stream means it is gone
     * (Ctrl-C on `logs -f`, say), and the command is interrupted rather than left running.
     * Once the command has ended, the watch interrupts nothing: a slot's thread goes on to
     * serve the next client.
     */
    private static HangUp watchForHangUp(DataInputStream in, Thread command,
            SignalProxy.Target signals) {
        HangUp hangUp = new HangUp(command);
        // A platform thread: a virtual one blocked reading a FIFO holds its carrier, and two
        // such watchers took both carriers of a 2-core machine from every other virtual
        // thread of the engine (a CNI plugin's stderr reader among them), so commands hung.
        Thread.ofPlatform().daemon(true).name("command-hangup").start(() -> {
            try {
                // After its command line a client sends only the signals it gets (sig-proxy).
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
            hangUp.fire();
        });
        return hangUp;
    }

    /** A hang-up's interrupt, delivered only while the command runs. */
    private static final class HangUp {
        private final Thread command;
        private final java.util.concurrent.CountDownLatch gone =
                new java.util.concurrent.CountDownLatch(1);
        private boolean finished;

        HangUp(Thread command) {
            this.command = command;
        }

        synchronized void fire() {
            gone.countDown();
            if (!finished) {
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

    private static int readFlags(DataInputStream in) throws IOException {
        if (in.readInt() != Forward.MAGIC) {
            throw new IOException("not a berth command line");
        }
        return in.readInt();
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

        Frames(DataOutputStream out) {
            this.out = out;
        }

        OutputStream stream(int kind) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
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
