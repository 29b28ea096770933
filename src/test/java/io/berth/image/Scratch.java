package io.berth.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** A test's own folder (mode 0755), deleted afterwards once nothing is mounted in it. */
final class Scratch implements AutoCloseable {
    final Path dir;

    Scratch() throws IOException {
        dir = Files.createTempDirectory("berth-image-test-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Path resolve(String name) {
        return dir.resolve(name);
    }

    /** The fixtures folder, shared read-only; copy before use. */
    static Path fixtures() {
        return Path.of(System.getProperty("berth.fixtures", "/work/shared/fixtures"));
    }

    /** Copies a fixture (file or folder) into this scratch folder. */
    Path copyFixture(String name) throws IOException {
        Path source = fixtures().resolve(name);
        Path target = dir.resolve(name);
        try (var walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
                t.toFile().setWritable(true, true);
            }
        }
        return target;
    }

    /** Mount points at or below {@code dir}, from /proc/self/mountinfo. */
    static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" ")[4])
                .filter(m -> m.equals(prefix) || m.startsWith(prefix + "/")).toList();
    }

    @Override
    public void close() throws IOException {
        List<String> mounts = mountsUnder(dir);
        if (!mounts.isEmpty()) {
            throw new IllegalStateException("still mounted, not deleting " + dir + ": " + mounts);
        }
        Tree.delete(dir);
    }
}
