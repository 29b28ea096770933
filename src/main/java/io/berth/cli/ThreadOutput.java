package io.berth.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * System.out and System.err that write to the stream of the command the current thread runs
 * (and threads it starts), so that several forwarded command lines can print at once in one
 * JVM; threads that run no command print to the process's own streams.
 */
final class ThreadOutput {
    private static final InheritableThreadLocal<Current> CURRENT =
            new InheritableThreadLocal<>();
    private static boolean installed;

    private ThreadOutput() {
    }

    /** Work that prints. */
    interface Work {
        int run() throws Exception;
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(new PrintStream(new Routed(out, 0), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Routed(err, 1), true, StandardCharsets.UTF_8));
        installed = true;
    }

    /** The streams of a command run for a caller, and whether that caller sits at a terminal. */
    private record Current(PrintStream out, PrintStream err, boolean terminal) {
        PrintStream stream(int which) {
            return which == 0 ? out : err;
        }
    }

    /**
     * Runs work with this thread's output sent to out and err, for a caller whose stdin and
     * stdout are a terminal or not.
     */
    static int with(PrintStream out, PrintStream err, boolean terminal, Work work)
            throws Exception {
        Current before = CURRENT.get();
        CURRENT.set(new Current(out, err, terminal));
        try {
            return work.run();
        } finally {
            System.out.flush();
            System.err.flush();
            CURRENT.set(before);
        }
    }

    /**
     * Whether the caller of the command this thread runs sits at a terminal; null when the
     * thread runs no command of a caller (the process's own streams then say).
     */
    static Boolean callerTerminal() {
        Current current = CURRENT.get();
        return current == null ? null : current.terminal();
    }

    /** The stdout of the command this thread runs, or the process's own. */
    static PrintStream stdout() {
        Current current = CURRENT.get();
        return current == null ? System.out : current.out();
    }

    private static final class Routed extends OutputStream {
        private final PrintStream fallback;
        private final int which;

        Routed(PrintStream fallback, int which) {
            this.fallback = fallback;
            this.which = which;
        }

        private PrintStream target() {
            Current current = CURRENT.get();
            return current == null ? fallback : current.stream(which);
        }

        @Override
        public void write(int b) {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            target().flush();
        }
    }
}
