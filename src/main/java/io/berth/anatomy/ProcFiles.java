package io.berth.anatomy;

import io.berth.spec.Capability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one process's facts from a proc file system; a vanished process reads as gone. */
final class ProcFiles {
    private static final Pattern NS_LINK = Pattern.compile("^[a-z_]+:\\[(\\d+)]$");
    private static final List<String> SECCOMP_MODES = List.of("disabled", "strict", "filter");

    private final Path procRoot;
    private final long pid;
    private final Path dir;

    ProcFiles(Path procRoot, long pid) {
        this.procRoot = procRoot;
        this.pid = pid;
        this.dir = procRoot.resolve(Long.toString(pid));
        if (!Files.isDirectory(dir)) {
            throw gone();
        }
    }

    ProcessGoneException gone() {
        return new ProcessGoneException(pid, procRoot.toString());
    }

    /** The inode of /proc/PID/ns/KIND, or empty when this kernel has no such namespace. */
    Optional<Long> namespace(String kind) {
        Optional<Long> inode = namespaceOf(dir, kind);
        if (inode.isEmpty() && !Files.isDirectory(dir)) {
            throw gone();
        }
        return inode;
    }

    static Optional<Long> namespaceOf(Path processDir, String kind) {
        Path link = processDir.resolve("ns").resolve(kind);
        try {
            return Optional.of(inode(Files.readSymbolicLink(link).toString(), link));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("read namespace link " + link, e);
        }
    }

    /** "net:[4026531840]" to 4026531840. */
    static long inode(String target, Path link) {
        Matcher m = NS_LINK.matcher(target);
        if (!m.matches()) {
            throw new IllegalStateException(link + " points at " + target
                    + ", not at a namespace such as net:[4026531840]");
        }
        return Long.parseLong(m.group(1));
    }

    List<String> lines(String file) {
        try {
            return Files.readAllLines(dir.resolve(file));
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(dir)) {
                throw gone();
            }
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + dir.resolve(file), e);
        }
    }

    /** A field of /proc/PID/status ("CapEff", "Seccomp"), or empty. */
    Optional<String> status(String field) {
        return lines("status").stream().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).trim()).findFirst();
    }

    /** CapEff as names in bit order: CAP_CHOWN, ...; bits newer than Berth as cap_NN. */
    List<String> effectiveCapabilities() {
        long mask = Long.parseUnsignedLong(status("CapEff").orElse("0"), 16);
        return capabilityNames(mask);
    }

    static List<String> capabilityNames(long mask) {
        List<String> names = new ArrayList<>();
        Capability[] known = Capability.values();
        for (int bit = 0; bit < Long.SIZE; bit++) {
            if ((mask & (1L << bit)) != 0) {
                names.add(bit < known.length ? known[bit].specName() : "cap_" + bit);
            }
        }
        return names;
    }

    /** disabled, strict or filter; unknown when the kernel has no seccomp. */
    String seccomp() {
        return status("Seccomp").map(Integer::parseInt)
                .filter(mode -> mode >= 0 && mode < SECCOMP_MODES.size())
                .map(SECCOMP_MODES::get).orElse("unknown");
    }

    /** uid_map or gid_map lines with their padding squeezed: "0 100000 65536". */
    List<String> idMap(String file) {
        return lines(file).stream().map(String::trim).filter(l -> !l.isEmpty())
                .map(l -> l.replaceAll("\\s+", " ")).toList();
    }

    /**
     * The cgroup path when every line of /proc/PID/cgroup names the same one (pure v2, or a
     * container joined in every v1 hierarchy and the unified tree); otherwise the lines
     * themselves ("4:memory:/berth/ID"), one per line.
     */
    String cgroup() {
        List<String> lines = lines("cgroup").stream().filter(l -> !l.isBlank()).toList();
        List<String> paths = lines.stream().map(l -> l.substring(l.indexOf(':',
                l.indexOf(':') + 1) + 1)).distinct().toList();
        return paths.size() == 1 ? paths.getFirst() : String.join("\n", lines);
    }
}
