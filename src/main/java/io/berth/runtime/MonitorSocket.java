package io.berth.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** A connection to a container's monitor: one command line, then its answer or a stream. */
final class MonitorSocket {

    private MonitorSocket() {
    }

    /** Connects and sends the command; the caller owns the channel. */
    static SocketChannel open(Path socket, String command) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
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

    /** Blocks until the monitor recorded the exit, and returns it. */
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
                if (!monitor.alive() && folder.readExit() == null) {
                    throw new IllegalStateException("the monitor of " + what
                            + " is gone and left no exit status; see " + folder.shimLog());
                }
                Thread.sleep(10);
            }
        }
    }
}
