package io.berth.engine;

import java.nio.file.Path;

/**
 * Where an engine keeps its state: root (persistent: database, images, containers, logs) and
 * runroot (volatile: runtime state, sockets), the shim binary it runs containers with, and
 * the default bridge (null for Berth's usual one; tests and second roots choose their own so
 * that two roots never hand out one address twice).
 */
public record EngineConfig(Path root, Path runroot, Path shim, Bridge bridge) {

    /** The default network's bridge device and subnet. */
    public record Bridge(String name, String subnet) {
    }

    public EngineConfig(Path root, Path runroot, Path shim) {
        this(root, runroot, shim, null);
    }

    public static final Path DEFAULT_ROOT = Path.of("/var/lib/berth");
    public static final Path DEFAULT_RUNROOT = Path.of("/run/berth");
}
