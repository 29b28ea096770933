package io.berth.engine;

import java.nio.file.Path;

/**
 * Where an engine keeps its state: root (persistent: database, images, containers, logs) and
 * runroot (volatile: runtime state, sockets), and the shim binary it runs containers with.
 */
public record EngineConfig(Path root, Path runroot, Path shim) {

    public static final Path DEFAULT_ROOT = Path.of("/var/lib/berth");
    public static final Path DEFAULT_RUNROOT = Path.of("/run/berth");
}
