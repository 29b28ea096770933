package io.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * The user's terminal during `run -it`, `exec -it` and `attach`: raw mode while attached
 * (through stty, as the JDK has no termios), its size passed on and followed on SIGWINCH, and
 * docker's detach keys, Ctrl-P Ctrl-Q, which leave the container running.
 */
final class Terminal implements AutoCloseable {
    private static final Path TTY = Path.of("/dev/tty");
    private static final int CTRL_P = 0x10;
    private static final int CTRL_Q = 0x11;

    private final String saved;

    private Terminal(String saved) {
        this.saved = saved;
    }

    /** Whether stdin is a terminal that can be put in raw mode. */
    static boolean available() {
        return System.console() != null && Files.isReadable(TTY);
    }

    /** Puts the terminal in raw mode; close() restores what it was. */
    static Terminal raw() throws IOException {
        String saved = stty("-g").strip();
        stty("raw", "-echo");
        return new Terminal(saved);
    }

    /** rows and columns, or null when unknown. */
    static int[] size() {
        try {
            String[] f = stty("size").strip().split("\\s+");
            return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Calls resize with the terminal's size now and whenever the window changes. */
    @SuppressWarnings("restricted")
    static void followSize(BiConsumer<Integer, Integer> resize) {
        int[] now = size();
        if (now != null) {
            resize.accept(now[0], now[1]);
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> {
                int[] changed = size();
                if (changed != null) {
                    resize.accept(changed[0], changed[1]);
                }
            });
        } catch (IllegalArgumentException e) {
            // No SIGWINCH to follow: the size stays as it was at start.
        }
    }

    /**
     * Copies the user's keys to the container until EOF or the detach keys; returns true when
     * the user detached.
     */
    static boolean pumpKeys(InputStream in, OutputStream out) throws IOException {
        boolean sawCtrlP = false;
        int b;
        while ((b = in.read()) >= 0) {
            if (sawCtrlP && b == CTRL_Q) {
                return true;
            }
            if (sawCtrlP) {
                out.write(CTRL_P);
            }
            sawCtrlP = b == CTRL_P;
            if (!sawCtrlP) {
                out.write(b);
                out.flush();
            }
        }
        return false;
    }

    private static String stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectInput(TTY.toFile()).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("stty interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        stty(saved);
    }
}
