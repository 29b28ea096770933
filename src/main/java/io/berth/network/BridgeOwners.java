package io.berth.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Which Berth root a bridge device serves, host-wide, in {@code /run/berth-bridges/<bridge>}.
 * Each root keeps its own address leases, so two roots on one bridge would hand out the same
 * address twice: a root finding its bridge claimed by another root that still exists is refused
 * (a second root names its own with --bridge-name and --bridge-subnet). A claim whose root is
 * gone is taken over; /run is emptied at boot.
 */
final class BridgeOwners {
    static final Path DIR = Path.of("/run/berth-bridges");

    private BridgeOwners() {
    }

    /** Claims the bridge for the root of stateDir, or refuses when another root has it. */
    static void claim(String bridge, Path stateDir) {
        Path file = DIR.resolve(bridge);
        String mine = stateDir.toAbsolutePath().normalize().toString();
        try {
            String owner = read(file);
            if (owner != null && !owner.equals(mine) && Files.isDirectory(Path.of(owner))) {
                throw new NetworkConflictException("bridge " + bridge + " serves another Berth"
                        + " root (its network state is " + owner + "); give this root a bridge"
                        + " of its own with --bridge-name and --bridge-subnet");
            }
            if (!mine.equals(owner)) {
                Files.createDirectories(DIR, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwxr-xr-x")));
                Path temp = DIR.resolve("." + bridge + "." + ProcessHandle.current().pid());
                Files.writeString(temp, mine);
                Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("claim bridge " + bridge + " in " + DIR + ": "
                    + e.getMessage(), e);
        }
    }

    /** Drops this root's claim (its bridge is gone). */
    static void release(String bridge, Path stateDir) {
        Path file = DIR.resolve(bridge);
        try {
            if (stateDir.toAbsolutePath().normalize().toString().equals(read(file))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // A claim left behind is taken over once its root is gone.
        }
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
