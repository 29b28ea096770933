package io.berth.runtime;

import io.berth.spec.JsonTree;
import io.berth.spec.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code <stateRoot>/<id>/}: the plan, state.json (written here, temp then rename), the
 * monitor's socket (shim.sock), log (shim.log) and exit file (exit), and the markers
 * {@code started} and {@code paused}.
 */
record StateFolder(Path dir) {

    /** What {@link OciRuntime#state} needs, as stored in state.json. */
    record Stored(String id, String bundle, long pid, long pidStart, long shimPid,
            long shimStart, String created, String cgroupsPath, Map<String, String> annotations) {

        ProcessId process() {
            return new ProcessId(pid, pidStart);
        }

        ProcessId shim() {
            return new ProcessId(shimPid, shimStart);
        }
    }

    Path plan() {
        return dir.resolve("plan");
    }

    /** The plan the shim ran; empty when there is none. */
    String readPlan() {
        try {
            return Files.readString(plan());
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("read " + plan(), e);
        }
    }

    Path socket() {
        return dir.resolve("shim.sock");
    }

    Path shimLog() {
        return dir.resolve("shim.log");
    }

    Path started() {
        return dir.resolve("started");
    }

    /** Where a process created without a monitor waits for start (berth-shim oci). */
    Path fifo() {
        return dir.resolve("exec.fifo");
    }

    /** Marks a container whose spec has hooks, so start and delete read it only then. */
    Path hooks() {
        return dir.resolve("hooks");
    }

    Path paused() {
        return dir.resolve("paused");
    }

    boolean exists() {
        return Files.isRegularFile(dir.resolve("state.json"));
    }

    void writeState(Stored stored) {
        try {
            writeAtomically(dir.resolve("state.json"), json(stored));
        } catch (IOException e) {
            throw new UncheckedIOException("write state of " + dir, e);
        }
    }

    /** @throws NoSuchContainerException when the folder was removed meanwhile */
    Stored readState() {
        try {
            return stored(JsonTree.parse(Files.readAllBytes(dir.resolve("state.json"))));
        } catch (IOException e) {
            if (!Files.exists(dir)) {
                // Removed (moved aside) by another finisher since the caller looked.
                throw new NoSuchContainerException(dir.getFileName().toString());
            }
            throw new UncheckedIOException("read state of " + dir, e);
        } catch (JsonTree.FieldException e) {
            throw new UncheckedIOException("read state of " + dir,
                    new IOException(e.getMessage(), e));
        }
    }

    /** The fields in the order of the record, as data binding wrote them before. */
    private static byte[] json(Stored s) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", s.id());
        fields.put("bundle", s.bundle());
        fields.put("pid", s.pid());
        fields.put("pidStart", s.pidStart());
        fields.put("shimPid", s.shimPid());
        fields.put("shimStart", s.shimStart());
        fields.put("created", s.created());
        fields.put("cgroupsPath", s.cgroupsPath());
        fields.put("annotations", s.annotations());
        return JsonWriter.compact(fields).getBytes(StandardCharsets.UTF_8);
    }

    private static Stored stored(Object tree) {
        JsonTree.Fields f = JsonTree.Fields.root(tree);
        return new Stored(f.string("id"), f.string("bundle"), f.longOrZero("pid"),
                f.longOrZero("pidStart"), f.longOrZero("shimPid"), f.longOrZero("shimStart"),
                f.string("created"), f.string("cgroupsPath"), f.stringMap("annotations"));
    }

    /** The exit file the monitor writes: code=, signal=, finished= (ns since the epoch). */
    ExitStatus readExit() {
        Path exit = dir.resolve("exit");
        try {
            Map<String, String> values = new HashMap<>();
            for (String line : Files.readAllLines(exit)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            long ns = Long.parseLong(values.getOrDefault("finished", "0"));
            return new ExitStatus(Integer.parseInt(values.getOrDefault("code", "0")),
                    Integer.parseInt(values.getOrDefault("signal", "0")),
                    Instant.ofEpochSecond(0, ns));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("read " + exit, e);
        }
    }

    void mark(Path marker, boolean on) {
        try {
            if (on) {
                Files.writeString(marker, "");
            } else {
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("mark " + marker, e);
        }
    }

    /**
     * Removes the folder and its exec folders; they hold only plain files and sockets, never a
     * mount.
     */
    void remove() {
        // Moved aside first, in one rename: a reader (a wait, a second finisher) then sees the
        // whole folder or none of it, never one whose exit file is gone but state is not.
        Path aside = dir.resolveSibling("." + dir.getFileName() + ".removed-" + System.nanoTime());
        try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // removed by another finisher
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + dir, e);
        }
        new StateFolder(aside).removeTree();
    }

    private void removeTree() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            removeTree(); // a monitor wrote or removed a last file meanwhile
        } catch (UncheckedIOException e) {
            // Files.walk reports a file that vanished under it this way, not as IOException.
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
            removeTree();
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + dir, e);
        }
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    static Map<String, String> copy(Map<String, String> annotations) {
        return annotations == null ? Map.of() : Map.copyOf(annotations);
    }

}
