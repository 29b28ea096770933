package io.berth.anatomy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.spec.SpecJson;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container really is, read from the host side of /proc: the namespaces its process is
 * in beside the host's, its cgroup, its effective capabilities, its seccomp mode and its user
 * and group id maps. {@code berth anatomy} prints it.
 */
public record Anatomy(long pid, List<NamespaceRow> namespaces, String cgroup,
        List<String> capabilities, String seccomp, List<String> uidMap, List<String> gidMap) {

    /** The links of /proc/PID/ns, in the order `ls` lists them. */
    public static final List<String> KINDS = List.of("cgroup", "ipc", "mnt", "net", "pid",
            "pid_for_children", "time", "time_for_children", "user", "uts");

    /** Copies the lists, so an anatomy stays as it was read. */
    public Anatomy {
        namespaces = List.copyOf(namespaces);
        capabilities = List.copyOf(capabilities);
        uidMap = List.copyOf(uidMap);
        gidMap = List.copyOf(gidMap);
    }

    /**
     * Reads process {@code pid} from /proc: its namespaces compared with the host's, its cgroup
     * path(s), CapEff as names, its seccomp mode (disabled, strict, filter) and its id maps.
     *
     * @throws ProcessGoneException when the process does not exist
     */
    public static Anatomy of(long pid) {
        return of(Path.of("/proc"), pid);
    }

    /** As {@link #of(long)}, from a proc file system at {@code procRoot} (fixtures in tests). */
    public static Anatomy of(Path procRoot, long pid) {
        ProcFiles proc = new ProcFiles(procRoot, pid);
        Path host = hostReference(procRoot);
        List<NamespaceRow> rows = new ArrayList<>();
        for (String kind : KINDS) {
            proc.namespace(kind).ifPresent(inode -> rows.add(row(kind, inode, host)));
        }
        return new Anatomy(pid, rows, proc.cgroup(), proc.effectiveCapabilities(),
                proc.seccomp(), proc.idMap("uid_map"), proc.idMap("gid_map"));
    }

    /**
     * The process whose namespaces are the host's: pid 1, or when its links cannot be read
     * (ptrace rules deny them to a caller with fewer capabilities than pid 1, as on hosts whose
     * init keeps CAP_SYS_RESOURCE) kthreadd, pid 2, which the kernel keeps in the initial
     * namespaces.
     */
    private static Path hostReference(Path procRoot) {
        for (String pid : List.of("1", "2")) {
            Path dir = procRoot.resolve(pid);
            if (Files.isDirectory(dir) && readable(dir)) {
                return dir;
            }
        }
        return null;
    }

    private static boolean readable(Path processDir) {
        try {
            return ProcFiles.namespaceOf(processDir, "net").isPresent();
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static NamespaceRow row(String kind, long inode, Path host) {
        long hostInode = host == null ? 0 : hostInode(host, kind);
        return new NamespaceRow(kind, inode, hostInode, hostInode != 0 && hostInode == inode);
    }

    private static long hostInode(Path host, String kind) {
        try {
            return ProcFiles.namespaceOf(host, kind).orElse(0L);
        } catch (UncheckedIOException e) {
            return 0;
        }
    }

    /** Whether every namespace of a kind the host has is the host's own. */
    public boolean sharesAllWithHost() {
        return namespaces.stream().allMatch(NamespaceRow::shared);
    }

    /**
     * The table for people: a row per namespace kind (KIND, CONTAINER, HOST, STATE with bare
     * inode numbers, as `ls -l /proc/PID/ns` shows them between brackets), then the cgroup,
     * capabilities, seccomp mode and id maps.
     */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-19s %-13s %-13s %s%n", "NAMESPACE", "CONTAINER", "HOST",
                "STATE"));
        for (NamespaceRow r : namespaces) {
            out.append(String.format("%-19s %-13d %-13s %s%n", r.kind(), r.inode(),
                    r.hostInode() == 0 ? "?" : Long.toString(r.hostInode()), r.state()));
        }
        out.append(System.lineSeparator());
        fact(out, "PID", List.of(Long.toString(pid)));
        fact(out, "CGROUP", cgroup.lines().toList());
        fact(out, "CAPABILITIES", wrap(capabilities));
        fact(out, "SECCOMP", List.of(seccomp));
        fact(out, "UID MAP", uidMap);
        fact(out, "GID MAP", gidMap);
        return out.toString();
    }

    private static void fact(StringBuilder out, String name, List<String> lines) {
        List<String> shown = lines.isEmpty() ? List.of("(none)") : lines;
        for (int i = 0; i < shown.size(); i++) {
            out.append(String.format("%-14s%s%n", i == 0 ? name : "", shown.get(i)));
        }
    }

    /** Capability names, as many to a line as fit in 100 columns after the label. */
    private static List<String> wrap(List<String> words) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > 86) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * The JSON for programs ({@code --format json}). Field names are stable: pid, namespaces
     * (kind, inode, hostInode, shared, state), cgroup, capabilities, seccomp, uidMap, gidMap.
     */
    public String json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("pid", pid);
        doc.put("namespaces", namespaces.stream().map(Anatomy::namespaceJson).toList());
        doc.put("cgroup", cgroup);
        doc.put("capabilities", capabilities);
        doc.put("seccomp", seccomp);
        doc.put("uidMap", uidMap);
        doc.put("gidMap", gidMap);
        try {
            return SpecJson.mapper().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("anatomy of " + pid + " as JSON", e);
        }
    }

    private static Map<String, Object> namespaceJson(NamespaceRow r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", r.kind());
        row.put("inode", r.inode());
        row.put("hostInode", r.hostInode());
        row.put("shared", r.shared());
        row.put("state", r.state());
        return row;
    }
}
