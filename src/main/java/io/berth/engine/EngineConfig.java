package io.berth.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an engine keeps its state: root (persistent: database, images, containers, logs) and
 * runroot (volatile: runtime state, sockets), the shim binary it runs containers with, and
 * the default bridge (null for Berth's usual one; tests and second roots choose their own so
 * that two roots never hand out one address twice).
 *
 * @param resident whether a long-lived process (the API service) uses the engine: it follows
 *     its containers' exits itself, as dockerd does, so their monitors run no {@code
 *     container-cleanup} (a process, often a JVM, per exit), and it deletes a removed
 *     container's folder after answering, since it lives on to finish that
 */
public record EngineConfig(Path root, Path runroot, Path shim, Bridge bridge,
        boolean resident) {

    /** The default network's bridge device and subnet. */
    public record Bridge(String name, String subnet) {
    }

    public EngineConfig(Path root, Path runroot, Path shim, Bridge bridge) {
        this(root, runroot, shim, bridge, false);
    }

    public EngineConfig(Path root, Path runroot, Path shim) {
        this(root, runroot, shim, null);
    }

    /** The same places, for a long-lived process that finishes its containers by itself. */
    public EngineConfig asResident() {
        return new EngineConfig(root, runroot, shim, bridge, true);
    }

    /**
     * The command the shim runs when a container exits (conmon's --exit-command): berth's
     * own {@code container-cleanup}, through bin/berth when the launcher set berth.home, else
     * through this JVM's java and class path. None for a {@link #resident()} engine.
     */
    public List<String> exitCommand(String id) {
        if (resident) {
            return List.of();
        }
        List<String> argv = new ArrayList<>();
        String home = System.getProperty("berth.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "berth"))) {
            argv.add(Path.of(home, "bin", "berth").toString());
        } else {
            argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            argv.add("--enable-native-access=ALL-UNNAMED");
            argv.add("-cp");
            argv.add(System.getProperty("java.class.path"));
            argv.add("io.berth.cli.Main");
        }
        argv.addAll(List.of("--root", root.toAbsolutePath().toString(), "--runroot",
                runroot.toAbsolutePath().toString()));
        if (bridge != null) {
            argv.addAll(List.of("--bridge-name", bridge.name(), "--bridge-subnet",
                    bridge.subnet()));
        }
        argv.addAll(List.of("container-cleanup", id));
        return argv;
    }

    public static final Path DEFAULT_ROOT = Path.of("/var/lib/berth");
    public static final Path DEFAULT_RUNROOT = Path.of("/run/berth");
}
