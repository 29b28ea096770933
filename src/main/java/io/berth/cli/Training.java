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

    /** Runs the training: args are a work folder of its own and the busybox image archive. */
    public static void main(String[] args) throws Exception {
        String work = args[0];
        String archive = args[1];
        String[] roots = {"--root", work + "/root", "--runroot", work + "/run"};
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        System.setErr(quiet);
        run(roots, "--help");
        run(roots, "version");
        run(roots, "load", "-i", archive);
        run(roots, "images");
        // The measured path first and most often: the cache also keeps the methods' profiles.
        for (int i = 0; i < 3; i++) {
            run(roots, "run", "--rm", "--network", "none", "busybox", "true");
        }
        run(roots, "run", "--rm", "busybox", "true");
        run(roots, "create", "--name", "aot-created", "--network", "none", "busybox", "true");
        run(roots, "start", "aot-created");
        run(roots, "wait", "aot-created");
        run(roots, "logs", "aot-created");
        run(roots, "rm", "aot-created");
        run(roots, "network", "ls");
        run(roots, "info");
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
