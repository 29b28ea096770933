package io.berth.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where an engine keeps its state: root (persistent: database, images, containers, logs) and
 * runroot (volatile: runtime state, sockets), the shim binary it runs containers with, and
 * the default bridge (null for Berth's usual one; tests and second roots choose their own so
 * that two roots never hand out one address twice).
 *
 * @param resident whether a long-lived process (the API service, or its command socket) uses
 *     the engine: it pays the kernel's cgroup migration toll ahead of each start, and it
 *     deletes a removed container's folder after answering, since it lives on to finish that
 * @param followsExits whether that process also follows its containers' exits itself, as
 *     dockerd does (the API service), so their monitors run no {@code container-cleanup} (a
 *     process, often a JVM, per exit); implies resident
 */
public record EngineConfig(Path root, Path runroot, Path shim, Bridge bridge,
        boolean resident, boolean followsExits) {

    /** The default network's bridge device and subnet. */
    public record Bridge(String name, String subnet) {
    }

    public EngineConfig(Path root, Path runroot, Path shim, Bridge bridge) {
        this(root, runroot, shim, bridge, false, false);
    }

    public EngineConfig(Path root, Path runroot, Path shim) {
        this(root, runroot, shim, null);
    }

    public EngineConfig {
        if (followsExits && !resident) {
            throw new IllegalArgumentException("an engine that follows exits is resident");
        }
    }

    /** The same places, for a long-lived process that finishes its containers by itself. */
    public EngineConfig asResident() {
        return new EngineConfig(root, runroot, shim, bridge, true, true);
    }

    /**
     * The same places, for a long-lived process whose containers are finished as a CLI's are,
     * by their monitors' exit command (the service's command socket).
     */
    public EngineConfig asLongLived() {
        return new EngineConfig(root, runroot, shim, bridge, true, false);
    }

    /** Whether both engines keep their state in the same places and use the same shim. */
    public boolean samePlaces(EngineConfig other) {
        return root.equals(other.root) && runroot.equals(other.runroot)
                && shim.equals(other.shim) && Objects.equals(bridge, other.bridge);
    }

    /**
     * The command the shim runs when a container exits (conmon's --exit-command): berth's
     * own {@code container-cleanup}, through bin/berth when the launcher set berth.home, else
     * through this JVM's java and class path. None for an engine that {@link #followsExits()}.
     */
    public List<String> exitCommand(String id) {
        if (followsExits) {
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
