package io.berth.cli;

import io.berth.image.Progress;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shows a pull or push as docker does: on a terminal one line per layer, redrawn in place with
 * a bar while bytes move; in a pipe one plain line per step of each layer and no bars.
 */
final class ProgressPrinter {
    private ProgressPrinter() {
    }

    /**
     * Bars when the caller sits at a terminal, lines otherwise: the JDK's console tells for
     * this process, the thin client's request for a command relayed to the engine. The stream
     * is the command's own, so the pull's worker threads print to it whatever they inherit.
     */
    static Progress forStdout() {
        Boolean caller = ThreadOutput.callerTerminal();
        boolean terminal;
        if (caller != null) {
            terminal = caller;
        } else {
            java.io.Console console = System.console();
            terminal = console != null && console.isTerminal();
        }
        PrintStream out = ThreadOutput.stdout();
        return terminal ? new Bars(out) : new Lines(out);
    }

    /** A line per step: what a log or a CI job wants to keep. */
    static final class Lines implements Progress {
        private final PrintStream out;

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void message(String line) {
            out.println(line);
        }

        @Override
        public synchronized void status(String layer, String status) {
            out.println(layer + ": " + status);
        }
    }

    /** The block of layer lines is redrawn by moving the cursor up over it (ANSI). */
    static final class Bars implements Progress {
        private static final int WIDTH = 50;
        private static final long REDRAW_NANOS = 100_000_000L;
        private final PrintStream out;
        private final Map<String, String> lines = new LinkedHashMap<>();
        private int drawn;
        private long lastDraw;

        Bars(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void message(String line) {
            out.println(line);
            if (!lines.isEmpty()) {
                lines.clear();
                drawn = 0;
            }
        }

        @Override
        public synchronized void status(String layer, String status) {
            lines.put(layer, status);
            draw();
        }

        @Override
        public synchronized void bytes(String layer, long done, long total) {
            lines.put(layer, "Downloading " + bar(done, total));
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS || done == total) {
                draw();
            }
        }

        private void draw() {
            lastDraw = System.nanoTime();
            StringBuilder text = new StringBuilder();
            if (drawn > 0) {
                text.append("\033[").append(drawn).append('A');
            }
            lines.forEach((layer, status) -> text.append("\r\033[2K").append(layer).append(": ")
                    .append(status).append('\n'));
            drawn = lines.size();
            out.print(text);
            out.flush();
        }

        static String bar(long done, long total) {
            if (total <= 0) {
                return ImageCommands.humanSize(done);
            }
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            String arrow = filled >= WIDTH ? "=".repeat(WIDTH)
                    : "=".repeat(filled) + ">" + " ".repeat(WIDTH - filled - 1);
            return "[" + arrow + "]  " + ImageCommands.humanSize(done) + "/"
                    + ImageCommands.humanSize(total);
        }
    }
}
