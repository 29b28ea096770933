package io.berth.runtime;

import io.berth.sys.Sys;
import io.berth.sys.SysException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A connection to a container's monitor: one command line, then its answer or a stream. */
final class MonitorSocket {

    /** sizeof(sockaddr_un.sun_path), its terminating NUL included. */
    private static final int SUN_PATH_MAX = 108;

    private MonitorSocket() {
    }

    /** Connects and sends the command; the caller owns the channel. */
    static SocketChannel open(Path socket, String command) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            connect(channel, socket);
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Connects to a socket at a path of any length. sun_path holds 108 bytes, and a state root
     * deep in a long --runroot passes that; then the connection goes through
     * /proc/self/fd/N/NAME, N a handle on the socket's folder held only while connecting. (The
     * shim binds relative to its own working folder, so it has no such limit.)
     */
    static void connect(SocketChannel channel, Path socket) throws IOException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length < SUN_PATH_MAX) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return;
        }
        Sys sys = Sys.linux();
        int folder;
        try {
            folder = sys.openPath(socket.getParent().toString());
        } catch (SysException e) {
            throw new IOException("connect to " + socket + ": " + e.getMessage(), e);
        }
        try {
            channel.connect(UnixDomainSocketAddress.of("/proc/self/fd/" + folder + "/"
                    + socket.getFileName()));
        } finally {
            sys.close(folder);
        }
    }

    /** Reads one answer line, without its newline; null when the monitor closed first. */
    static String readLine(SocketChannel channel) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            char c = (char) (one.get(0) & 0xff);
            if (c == '\n') {
                return line.toString();
            }
            line.append(c);
        }
    }

    /** Sends a command and returns the answer line. */
    static String ask(Path socket, String command) throws IOException {
        try (SocketChannel channel = open(socket, command)) {
            return readLine(channel);
        }
    }

    /**
     * Has the monitor, the process's parent, send a signal: race-free, since the pid cannot be
     * reused before the monitor reaps it. True when sent, false when the process had exited,
     * empty when the monitor did not answer (gone with its process, or killed).
     */
    static Optional<Boolean> signal(StateFolder folder, String what, int signal) {
        if (folder.readExit() != null) {
            return Optional.of(false);
        }
        String answer;
        try {
            answer = ask(folder.socket(), "kill " + signal);
        } catch (IOException e) {
            return folder.readExit() != null ? Optional.of(false) : Optional.empty();
        }
        if ("ok".equals(answer)) {
            return Optional.of(true);
        }
        if ("exited".equals(answer) || answer == null) {
            return Optional.of(false);
        }
        throw new ContainerStateException("cannot kill " + what + ": "
                + ShimAnswer.failure("kill", answer).getMessage());
    }

    /** Sets the size of the monitor's pty, as a TIOCSWINSZ. */
    static void resize(StateFolder folder, String what, int rows, int columns) {
        String answer;
        try {
            answer = ask(folder.socket(), "resize " + rows + " " + columns);
        } catch (IOException e) {
            throw new ContainerStateException("cannot resize " + what + ": it is not running");
        }
        if (!"ok".equals(answer)) {
            throw new ContainerStateException("cannot resize " + what + ": "
                    + ShimAnswer.failure("resize", answer).getMessage());
        }
    }

    /**
     * Blocks until the monitor recorded the exit, and returns it.
     *
     * @throws NoSuchContainerException when the state folder was removed meanwhile
     */
    static ExitStatus awaitExit(StateFolder folder, ProcessId monitor, String what)
            throws InterruptedException {
        while (true) {
            ExitStatus exit = folder.readExit();
            if (exit != null) {
                return exit;
            }
            try (SocketChannel channel = open(folder.socket(), "wait")) {
                readLine(channel);
            } catch (ClosedByInterruptException e) {
                throw new InterruptedException("await " + what);
            } catch (IOException e) {
                if (!Files.exists(folder.dir())) {
                    // Another finisher released the container between our looks: its exit is
                    // recorded where that finisher put it, not here.
                    throw new NoSuchContainerException(folder.dir().getFileName().toString());
                }
                if (!monitor.alive() && folder.readExit() == null) {
                    throw new IllegalStateException("the monitor of " + what
                            + " is gone and left no exit status; see " + folder.shimLog());
                }
                Thread.sleep(10);
            }
        }
    }
}
