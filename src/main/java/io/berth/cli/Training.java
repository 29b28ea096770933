package io.berth.cli;

import io.berth.oci.OciMain;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training run for the JDK's AOT cache (scripts/train-aot): the common commands, in one JVM,
 * on a throw-away root, so that the classes every CLI call needs are already loaded and linked
 * when the next JVM starts.
 */
public final class Training {
    private static final List<String> FAILED = new ArrayList<>();
    /** Set while training the OCI command line's own cache: oci verbs go straight to OciMain. */
    private static boolean ociOnly;

    private Training() {
    }

    /**
     * Runs the training. Arguments: a work folder of its own whose root already holds the
     * busybox image (scripts/train-aot loads it in a JVM that records nothing, so that the
     * archive code stays out of the cache), and a bridge name and subnet of the training's own,
     * so that its runs on the default network never touch the host's real default bridge. An
     * optional fourth names the same image in a registry on 127.0.0.1, for the pull path.
     */
    public static void main(String[] args) {
        if (args[0].equals("--oci")) {
            // The OCI command line's own cache (bin/berth starts `berth oci` straight into
            // OciMain): the oci verbs alone, through OciMain as bin/berth calls it.
            ociOnly = true;
            quietly(() -> oci(args[1]));
            return;
        }
        String work = args[0];
        String pullable = args.length > 3 ? args[3] : null;
        String[] roots = {"--root", work + "/root", "--runroot", work + "/run",
            "--bridge-name", args[1], "--bridge-subnet", args[2]};
        quietly(() -> {
            train(roots, work);
            if (pullable != null) {
                pull(roots, pullable);
            }
        });
    }

    /** Runs the training with stderr silenced; exits 1 naming the commands that failed. */
    private static void quietly(Runnable training) {
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            training.run();
        } finally {
            System.setErr(err);
        }
        if (!FAILED.isEmpty()) {
            err.println("training: these commands failed: " + FAILED);
            System.exit(1);
        }
    }

    private static void train(String[] roots, String work) {
        // The measured path first and most often: the cache also keeps the methods' profiles.
        for (int i = 0; i < 3; i++) {
            run(roots, "run", "--rm", "--network", "none", "busybox", "true");
        }
        run(roots, "run", "--rm", "busybox", "true");
        run(roots, "version");
        oci(work);
        common(roots);
        rare(roots);
    }

    /**
     * The OCI command line on the bundle scripts/train-aot made from the image's layer
     * ({@code <work>/bundle/rootfs}): run first and most often, as another engine calls it.
     */
    private static void oci(String work) {
        String bundle = work + "/bundle";
        String[] root = {"oci", "--root", work + "/oci"};
        run(root, "spec", "--bundle", bundle);
        Path config = Path.of(bundle, "config.json");
        try {
            // The measured /bin/true (not a shell waiting on stdin), in a cgroup of its own.
            String text = Files.readString(config);
            String trained = text.replace("\"args\": [\"sh\"]", "\"args\": [\"/bin/true\"]")
                    .replace("\"linux\": {", "\"linux\": {\"cgroupsPath\": \"/berth/aot-oci-"
                            + Path.of(work).getFileName() + "\", ");
            if (trained.equals(text) || !trained.contains("/bin/true")) {
                FAILED.add("oci spec: no args or linux object to train on");
                return;
            }
            Files.writeString(config, trained);
        } catch (IOException e) {
            FAILED.add("write the bundle's config.json: " + e.getMessage());
            return;
        }
        for (int i = 0; i < 3; i++) {
            run(root, "run", "--bundle", bundle, "aot-oci");
        }
        run(root, "create", "--bundle", bundle, "aot-oci");
        run(root, "state", "aot-oci");
        run(root, "start", "aot-oci");
        awaitExit(Path.of(work, "oci", "aot-oci", "exit"));
        run(root, "delete", "--force", "aot-oci");
    }

    /**
     * Waits for /bin/true's exit file, so that delete --force finds it stopped and kills
     * nothing: whether it had to was a race, and a kill links libc through FFM, whose classes
     * were then in the cache (and loaded by every later call) or not, from one training to the
     * next. A kill pays for that link itself.
     */
    private static void awaitExit(Path exit) {
        for (int i = 0; i < 500 && !Files.exists(exit); i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What people type every day, beside run. */
    private static void common(String[] roots) {
        run(roots, "images");
        run(roots, "create", "--name", "aot-created", "--network", "none", "busybox", "true");
        run(roots, "start", "aot-created");
        run(roots, "wait", "aot-created");
        run(roots, "logs", "aot-created");
        run(roots, "rm", "aot-created");
        run(roots, "run", "-d", "--name", "aot-training", "busybox", "sleep", "30");
        for (int i = 0; i < 2; i++) {
            run(roots, "exec", "aot-training", "true");
        }
        run(roots, "ps", "-a");
        run(roots, "inspect", "--format", "{{.State.Pid}}, {{.Name}}", "aot-training");
        run(roots, "inspect", "aot-training");
        run(roots, "stop", "-t", "0", "aot-training");
        run(roots, "rm", "-f", "aot-training");
    }

    /** The rest that runs without an archive (its classes add little to the cache). */
    private static void rare(String[] roots) {
        run(roots, "--help");
        run(roots, "network", "ls");
        run(roots, "info");
        run(roots, "run", "-d", "--name", "aot-anatomy", "busybox", "sleep", "30");
        run(roots, "anatomy", "aot-anatomy");
        run(roots, "rm", "-f", "aot-anatomy");
    }

    /**
     * A daemonless pull from the registry scripts/train-aot started, last: the HTTP client, the
     * blob pipeline and the unpacker, into a store that no longer holds the layer (busybox is
     * removed first, so the pull downloads and unpacks it), in a pipe as a script pulls.
     */
    private static void pull(String[] roots, String reference) {
        run(roots, "rmi", "busybox");
        for (int i = 0; i < 2; i++) {
            run(roots, "pull", reference);
            run(roots, "rmi", reference);
        }
    }

    private static void run(String[] roots, String... command) {
        String[] args = new String[roots.length + command.length];
        System.arraycopy(roots, 0, args, 0, roots.length);
        System.arraycopy(command, 0, args, roots.length, command.length);
        // roots is {"oci", ...} there: OciMain takes what follows the word oci.
        int code = ociOnly ? OciMain.run(Arrays.copyOfRange(args, 1, args.length))
                : Main.run(args);
        if (code != 0) {
            // A command that fails here leaves its path out of the cache, silently slow later.
            FAILED.add(String.join(" ", command));
        }
    }
}
