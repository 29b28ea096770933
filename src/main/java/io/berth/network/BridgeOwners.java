package io.berth.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Which Berth root's network a bridge device serves, host-wide, in
 * {@code /run/berth-bridges/<bridge>} (the root's network state folder and the network's name).
 * Each root keeps its own address leases, so two roots on one bridge at once would hand out the
 * same address twice: a root finding its bridge claimed by another root that holds leases on it
 * is refused (a second root names its own with --bridge-name and --bridge-subnet). A claim
 * whose root holds no lease there any more is taken over; /run is emptied at boot.
 */
final class BridgeOwners {
    static final Path DIR = Path.of("/run/berth-bridges");

    private BridgeOwners() {
    }

    /** Claims the bridge for the root of stateDir, or refuses when another root uses it. */
    static void claim(String bridge, Path stateDir, String network) {
        Path file = DIR.resolve(bridge);
        String mine = stateDir.toAbsolutePath().normalize() + "\n" + network;
        try {
            String owner = read(file);
            if (owner != null && !owner.equals(mine) && holdsLeases(owner)) {
                throw new NetworkConflictException("bridge " + bridge + " serves another Berth"
                        + " root (its network state is " + owner.lines().findFirst().orElse("")
                        + "); give this root a bridge of its own with --bridge-name and"
                        + " --bridge-subnet");
            }
            if (!mine.equals(owner)) {
                sweep();
                Files.createDirectories(DIR, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwxr-xr-x")));
                Path temp = DIR.resolve("." + bridge + "." + ProcessHandle.current().pid());
                Files.writeString(temp, mine);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("claim bridge " + bridge + " in " + DIR + ": "
                    + e.getMessage(), e);
        }
    }

    /** Claims of bridges that no longer exist (their roots deleted them) are dropped. */
    private static void sweep() throws IOException {
        if (!Files.isDirectory(DIR)) {
            return;
        }
        try (var claims = Files.list(DIR)) {
            for (Path claim : claims.toList()) {
                String bridge = claim.getFileName().toString();
                if (!bridge.startsWith(".") && !Files.exists(Path.of("/sys/class/net", bridge))) {
                    Files.deleteIfExists(claim);
                }
            }
        }
    }

    /** Whether the claiming root's network has an address leased (host-local's files). */
    private static boolean holdsLeases(String owner) throws IOException {
        String[] lines = owner.split("\n");
        if (lines.length != 2) {
            return false;
        }
        Path leases = Path.of(lines[0], "ipam", lines[1]);
        if (!Files.isDirectory(leases)) {
            return false;
        }
        try (var files = Files.list(leases)) {
            return files.map(f -> f.getFileName().toString())
                    .anyMatch(name -> Character.isDigit(name.charAt(0)) || name.contains(":"));
        }
    }

    /** Drops this root's claim (its bridge is gone). */
    static void release(String bridge, Path stateDir, String network) {
        Path file = DIR.resolve(bridge);
        try {
            if ((stateDir.toAbsolutePath().normalize() + "\n" + network).equals(read(file))) {
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
