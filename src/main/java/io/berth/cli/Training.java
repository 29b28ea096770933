package io.berth.cli;

import java.io.PrintStream;
import java.io.OutputStream;

/**
 * The training run for the JDK's AOT cache (scripts/train-aot): the common commands, in one JVM,
 * on a throw-away root, so that the classes every CLI call needs are already loaded and linked
 * when the next JVM starts.
 */
public final class Training {
    private Training() {
    }

    public static void main(String[] args) throws Exception {
        String work = args[0];
        String archive = args[1];
        String[] roots = {"--root", work + "/root", "--runroot", work + "/run"};
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        System.setErr(quiet);
        run(roots, "load", "-i", archive);
        run(roots, "images");
        run(roots, "run", "--rm", "busybox", "true");
        run(roots, "run", "-d", "--name", "aot-training", "busybox", "sleep", "30");
        run(roots, "ps", "-a");
        run(roots, "inspect", "--format", "{{.State.Pid}}, {{.Name}}", "aot-training");
        run(roots, "inspect", "aot-training");
        run(roots, "anatomy", "aot-training");
        run(roots, "stop", "-t", "0", "aot-training");
        run(roots, "rm", "-f", "aot-training");
    }

    private static void run(String[] roots, String... command) {
        String[] args = new String[roots.length + command.length];
        System.arraycopy(roots, 0, args, 0, roots.length);
        System.arraycopy(command, 0, args, roots.length, command.length);
        Main.run(args);
    }
}
