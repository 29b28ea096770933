package io.berth.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The thin CLI: hands a command line to a resident engine (`berth system service`) on its
 * command socket and plays back what the engine's run of it printed, and its exit code. The
 * launcher calls it only for commands that need neither the caller's terminal, stdin, working
 * directory nor environment (see bin/berth), so their outcome is the same as in-process.
 *
 * <p>It touches only a few JDK classes, so that a JVM running it starts in a few tens of
 * milliseconds, while the engine's own classes stay warm in the service. The wire format is
 * Berth's own, written by hand: flags and a length-prefixed argv, answered by frames (stream,
 * length, bytes) and a final exit frame; nothing standard fits a local argv-and-stdio relay
 * this small. The one flag says whether the caller sits at a terminal, which bin/berth tells
 * with {@code -Dberth.terminal=true} (bash's own test, no JDK console classes here): what a
 * command prints may depend on it, as a pull's progress does.
 */
public final class Forward {
    static final int MAGIC = 0x42525432; // "BRT2"
    /** Request flag: the caller's stdin and stdout are a terminal (progress bars, not lines). */
    static final int TERMINAL = 1;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int EXIT = 3;
    private static final int SIGPIPE = 13;
    /** Client to engine, after the command line: a signal it got, one byte of number next. */
    static final int SIGNAL = 'S';
    /** The signals docker's sig-proxy passes on, here and in a CLI of its own (SignalProxy). */
    static final String[] PROXIED_SIGNALS = {"INT", "TERM", "HUP"};

    private Forward() {
    }

    /** The socket name under the runroot. */
    static final String SOCKET_NAME = "berth.sock";
    /** The folder of the FIFO slots under the runroot, and how many there are. */
    static final String SLOT_DIR = "cli";
    static final int SLOTS = 8;

    public static void main(String[] args) throws Exception {
        String socketName = System.getProperty("berth.socket", "/run/berth/" + SOCKET_NAME);
        Integer code = throughSlot(new File(new File(socketName).getParentFile(), SLOT_DIR),
                args);
        if (code != null) {
            System.exit(code);
        }
        Path socket = Path.of(socketName);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            // A socket left by a service that died: nothing was sent, so the launcher runs
            // the command in a JVM of its own instead.
            System.exit(runAlone(args));
            return;
        }
        System.exit(relay(Channels.newOutputStream(channel), Channels.newInputStream(channel),
                args));
    }

    /**
     * Through a free FIFO slot of a live engine (see CommandFifos): the command's exit code,
     * or null when there is no such slot, and nothing was sent.
     */
    private static Integer throughSlot(File dir, String[] args) throws IOException {
        File pid = new File(dir, "pid");
        // A dead engine's pid, taken since by another process, would leave us waiting on a
        // FIFO that nobody reads: the process must be a JVM.
        File comm = pid.isFile() ? new File("/proc/" + read(pid) + "/comm") : null;
        if (comm == null || !comm.isFile() || !read(comm).equals("java")) {
            return null;
        }
        for (int i = 0; i < SLOTS; i++) {
            File slot = new File(dir, Integer.toString(i));
            File claim = new File(slot, "claim");
            if (!claim.createNewFile()) {
                continue;
            }
            try (FileOutputStream mine = new FileOutputStream(claim)) {
                mine.write(Long.toString(ProcessHandle.current().pid())
                        .getBytes(StandardCharsets.US_ASCII));
            }
            // Held open until we exit: its end tells the engine we are gone.
            FileOutputStream request = new FileOutputStream(new File(slot, "in"));
            sendArgs(request, args);
            proxySignals(request, args);
            return readAnswer(new FileInputStream(new File(slot, "out")));
        }
        return null;
    }

    private static String read(File file) throws IOException {
        try (FileInputStream in = new FileInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    private static int runAlone(String[] args) throws IOException, InterruptedException {
        String home = System.getProperty("berth.home", ".");
        List<String> command = new ArrayList<>();
        command.add(Path.of(home, "bin", "berth").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("BERTH_NO_ENGINE", "1");
        return builder.start().waitFor();
    }

    /** Sends the command line and copies the answer to our stdout and stderr. */
    static int relay(OutputStream request, InputStream answer, String[] args)
            throws IOException {
        sendArgs(request, args);
        proxySignals(request, args);
        return readAnswer(answer);
    }

    /**
     * INT, TERM and HUP go to the engine, which sends them on to a followed container (docker's
     * sig-proxy) and otherwise ignores them; the answer says when to stop, as it does without.
     */
    private static void proxySignals(OutputStream request, String[] args) {
        if (!"run".equals(verb(args))) {
            return; // ^C ends this client, and its hang-up the engine's command
        }
        for (String name : PROXIED_SIGNALS) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    synchronized (request) {
                        try {
                            request.write(new byte[] {(byte) SIGNAL, (byte) s.getNumber()});
                            request.flush();
                        } catch (IOException e) {
                            System.exit(128 + s.getNumber()); // the engine is gone
                        }
                    }
                });
            } catch (IllegalArgumentException e) {
                // A signal the JVM keeps for itself: not proxied.
            }
        }
    }

    /** The first word after the global options (each of which takes a value). */
    static String verb(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("-")) {
                return args[i];
            }
            if (!args[i].contains("=")) {
                i++;
            }
        }
        return null;
    }

    private static void sendArgs(OutputStream to, String[] args) throws IOException {
        DataOutputStream request = new DataOutputStream(to);
        request.writeInt(MAGIC);
        request.writeInt(Boolean.getBoolean("berth.terminal") ? TERMINAL : 0);
        request.writeInt(args.length);
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeInt(bytes.length);
            request.write(bytes);
        }
        request.flush();
    }

    private static int readAnswer(InputStream from) throws IOException {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        OutputStream err = new FileOutputStream(FileDescriptor.err);
        DataInputStream answer = new DataInputStream(from);
        byte[] buffer = new byte[16 * 1024];
        while (true) {
            int kind = answer.read();
            if (kind < 0) {
                err.write("berth: the engine closed the connection before the command ended\n"
                        .getBytes(StandardCharsets.UTF_8));
                return 125;
            }
            int length = answer.readInt();
            if (kind == EXIT) {
                return length;
            }
            try {
                copy(answer, kind == STDERR ? err : out, length, buffer);
            } catch (BrokenOutput e) {
                return 128 + SIGPIPE; // our reader is gone (`berth logs -f | head`)
            }
        }
    }

    /** Our own stdout or stderr failed: nobody reads it any more. */
    private static final class BrokenOutput extends IOException {
        private static final long serialVersionUID = 1L;

        BrokenOutput(IOException cause) {
            super(cause);
        }
    }

    private static void copy(InputStream in, OutputStream to, int length, byte[] buffer)
            throws IOException {
        while (length > 0) {
            int n = in.read(buffer, 0, Math.min(length, buffer.length));
            if (n < 0) {
                throw new IOException("the engine's answer ended mid-frame");
            }
            try {
                to.write(buffer, 0, n);
            } catch (IOException e) {
                throw new BrokenOutput(e);
            }
            length -= n;
        }
    }
}
