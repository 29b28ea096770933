package io.berth.anatomy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Anatomy read from a fake /proc tree of plain files and symlinks. */
class AnatomyTest {
    static final Map<String, Long> HOST = Map.of("cgroup", 4026531835L, "ipc", 4026531839L,
            "mnt", 4026531832L, "net", 4026531833L, "pid", 4026531836L,
            "pid_for_children", 4026531836L, "time", 4026531834L,
            "time_for_children", 4026531834L, "user", 4026531837L, "uts", 4026531838L);
    static final List<String> DOCKER_DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD",
            "CAP_AUDIT_WRITE", "CAP_SETFCAP");

    @TempDir
    Path temp;
    Path proc;

    @BeforeEach
    void layOutProc() throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        proc = temp.resolve("proc");
        namespaces("1", HOST);
        Map<String, Long> container = new java.util.HashMap<>(HOST);
        for (String kind : List.of("ipc", "mnt", "net", "uts")) {
            container.put(kind, HOST.get(kind) + 1000);
        }
        container.put("pid", 4026532001L);
        container.put("pid_for_children", 4026532001L);
        namespaces("42", container);
        file("42/status", "Name:\tsh\nCapInh:\t0000000000000000\nCapEff:\t00000000a80425fb\n"
                + "Seccomp:\t2\nSeccomp_filters:\t1\n");
        file("42/cgroup", "2:memory:/berth/abc\n1:pids:/berth/abc\n0::/berth/abc\n");
        file("42/uid_map", "         0     100000      65536\n");
        file("42/gid_map", "         0     100000      65536\n");
    }

    void namespaces(String pid, Map<String, Long> inodes) throws IOException {
        Files.createDirectories(proc.resolve(pid + "/ns"));
        for (Map.Entry<String, Long> e : inodes.entrySet()) {
            String type = e.getKey().replace("_for_children", "");
            Files.createSymbolicLink(proc.resolve(pid + "/ns/" + e.getKey()),
                    Path.of(type + ":[" + e.getValue() + "]"));
        }
    }

    void file(String rel, String content) throws IOException {
        Files.createDirectories(proc.resolve(rel).getParent());
        Files.writeString(proc.resolve(rel), content);
    }

    @Test
    void namespacesAreComparedWithPidOnes() {
        Anatomy a = Anatomy.of(proc, 42);

        assertEquals(Anatomy.KINDS, a.namespaces().stream().map(NamespaceRow::kind).toList());
        for (NamespaceRow r : a.namespaces()) {
            boolean isolated = List.of("ipc", "mnt", "net", "uts", "pid", "pid_for_children")
                    .contains(r.kind());
            assertEquals(!isolated, r.shared(), r.kind());
            assertEquals(HOST.get(r.kind()), r.hostInode(), r.kind());
        }
        assertEquals(4026531833L + 1000, a.namespaces().get(3).inode());
    }

    @Test
    void capabilitiesSeccompCgroupAndIdMapsAreDecoded() {
        Anatomy a = Anatomy.of(proc, 42);

        assertEquals(DOCKER_DEFAULT, a.capabilities());
        assertEquals("filter", a.seccomp());
        assertEquals("/berth/abc", a.cgroup());
        assertEquals(List.of("0 100000 65536"), a.uidMap());
        assertEquals(List.of("0 100000 65536"), a.gidMap());
    }

    @Test
    void differingCgroupPathsAreShownLineByLine() throws IOException {
        file("42/cgroup", "2:memory:/berth/abc\n0::/\n");

        assertEquals("2:memory:/berth/abc\n0::/", Anatomy.of(proc, 42).cgroup());
    }

    @Test
    void capabilityBitsNewerThanBerthKeepTheirNumber() {
        assertEquals(List.of("CAP_CHOWN", "cap_63"), ProcFiles.capabilityNames(1L | 1L << 63));
    }

    @Test
    void whenPidOneCannotBeReadKthreaddStandsForTheHost() throws IOException {
        Files.move(proc.resolve("1"), proc.resolve("2"));

        Anatomy a = Anatomy.of(proc, 42);

        assertTrue(a.namespaces().stream().filter(r -> r.kind().equals("user"))
                .allMatch(NamespaceRow::shared));
    }

    @Test
    void withNoHostReferenceTheStateIsUnknown() throws IOException {
        Files.move(proc.resolve("1"), temp.resolve("elsewhere"));

        Anatomy a = Anatomy.of(proc, 42);

        assertTrue(a.namespaces().stream().allMatch(r -> r.state().equals("unknown")));
        assertTrue(a.table().contains("?"));
    }

    @Test
    void aVanishedPidIsAClearError() {
        ProcessGoneException e = assertThrows(ProcessGoneException.class,
                () -> Anatomy.of(proc, 999));

        assertTrue(e.getMessage().contains("process 999 does not exist"), e.getMessage());
    }

    @Test
    void theTableHasARowPerNamespaceAndTheOtherFacts() {
        String table = Anatomy.of(proc, 42).table();

        List<String> lines = table.lines().toList();
        assertEquals(List.of("NAMESPACE", "CONTAINER", "HOST", "STATE"),
                List.of(lines.getFirst().split("\\s+")));
        assertEquals(List.of("net", "4026532833", "4026531833", "isolated"),
                List.of(lines.get(4).split("\\s+")));
        assertEquals(List.of("user", "4026531837", "4026531837", "shared"),
                List.of(lines.get(9).split("\\s+")));
        assertTrue(table.contains("SECCOMP       filter"), table);
        assertTrue(table.contains("CGROUP        /berth/abc"), table);
        assertTrue(table.contains("UID MAP       0 100000 65536"), table);
        assertTrue(table.lines().allMatch(l -> l.length() <= 100), table);
    }

    @Test
    void theJsonKeepsItsFieldNames() throws IOException {
        JsonNode json = SpecJson.mapper().readTree(Anatomy.of(proc, 42).json());

        assertEquals(42, json.get("pid").asLong());
        assertEquals("filter", json.get("seccomp").asText());
        assertEquals("/berth/abc", json.get("cgroup").asText());
        assertEquals(14, json.get("capabilities").size());
        assertEquals("0 100000 65536", json.get("uidMap").get(0).asText());
        JsonNode net = json.get("namespaces").get(3);
        assertEquals("net", net.get("kind").asText());
        assertEquals(4026532833L, net.get("inode").asLong());
        assertEquals(4026531833L, net.get("hostInode").asLong());
        assertFalse(net.get("shared").asBoolean());
        assertEquals("isolated", net.get("state").asText());
    }
}
