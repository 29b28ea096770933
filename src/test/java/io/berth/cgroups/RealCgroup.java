package io.berth.cgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a privileged test made on the real host: a berth/test-RANDOM name, the processes it
 * started, and the berth/ parents that did not exist before. {@link #cleanUp} kills those
 * processes by pid, then removes the cgroup and the parents it created, if no one else uses them.
 */
final class RealCgroup {
    final String path = "berth/test-" + HexFormat.of().toHexDigits(
            ThreadLocalRandom.current().nextInt());
    private final List<Path> newParents = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    /** Notes which of {@code hierarchyRoots}' berth/ folders this test is about to create. */
    RealCgroup(List<Path> hierarchyRoots) {
        for (Path root : hierarchyRoots) {
            if (!Files.exists(root.resolve("berth"))) {
                newParents.add(root.resolve("berth"));
            }
        }
    }

    Process start(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String state(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("State:")).findFirst().orElseThrow()
                .substring("State:".length()).trim();
    }

    void cleanUp(CgroupDriver driver) throws Exception {
        try {
            driver.freeze(path, false);
        } catch (CgroupException e) {
            // Not made, or never frozen: nothing to thaw.
        }
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        driver.destroy(path);
        for (Path parent : newParents) {
            try {
                Files.deleteIfExists(parent);
            } catch (IOException e) {
                // Another test's container may have made berth/ its home meanwhile.
            }
        }
    }
}
