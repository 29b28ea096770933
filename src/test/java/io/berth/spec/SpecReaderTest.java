package io.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The streaming reader of config.json gives what Jackson's data binding gives. */
class SpecReaderTest {
    /** Every field of every record of Spec, with a value of its own. */
    private static final String EVERY_FIELD = """
            {"ociVersion": "1.2.0", "hostname": "h", "domainname": "d",
             "unknownTopLevel": {"deep": [1, 2, {"x": null}]},
             "process": {"terminal": true, "consoleSize": {"height": 24, "width": 80},
               "user": {"uid": 1, "gid": 2, "umask": 18, "additionalGids": [3, 4]},
               "args": ["sh", "-c", "true"], "env": ["A=1"], "cwd": "/w",
               "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_CHOWN"],
                 "inheritable": [], "permitted": ["CAP_KILL"], "ambient": ["CAP_NET_RAW"]},
               "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 512}],
               "noNewPrivileges": false, "oomScoreAdj": -500, "apparmorProfile": "x"},
             "root": {"path": "rootfs", "readonly": true},
             "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
               {"destination": "/d", "type": "bind", "source": "/s",
                "options": ["rbind", "ro"]}],
             "hooks": {"prestart": [{"path": "/p", "args": ["p"], "env": ["E=1"],
                 "timeout": 3}], "createRuntime": [{"path": "/cr"}],
               "createContainer": [{"path": "/cc"}], "startContainer": [{"path": "/sc"}],
               "poststart": [{"path": "/ps"}], "poststop": [{"path": "/pp"}]},
             "annotations": {"a": "b", "c": "d"},
             "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/n"}],
               "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
               "gidMappings": [{"containerID": 0, "hostID": 200000, "size": 1}],
               "timeOffsets": {"monotonic": {"secs": 5, "nanosecs": 6}},
               "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229,
                 "fileMode": 438, "uid": 0, "gid": 0}],
               "cgroupsPath": "/berth/x",
               "resources": {"devices": [{"allow": false, "access": "rwm"},
                   {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}],
                 "memory": {"limit": 1048576, "reservation": 2, "swap": -1, "swappiness": 0,
                   "disableOOMKiller": true},
                 "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0-1",
                   "mems": "0"},
                 "pids": {"limit": 64}, "blockIO": {"weight": 100},
                 "unified": {"memory.high": "max"}},
               "rootfsPropagation": "rprivate", "sysctl": {"net.ipv4.ip_forward": "1"},
               "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                 "architectures": ["SCMP_ARCH_X86_64"], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
                 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
                   {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1,
                    "args": [{"index": 0, "value": 8, "valueTwo": 9, "op": "SCMP_CMP_EQ"}]}]},
               "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
               "mountLabel": "m"}}
            """;

    private static Spec bound(String json) throws IOException {
        return SpecJson.mapper().readValue(json, Spec.class);
    }

    private static Spec streamed(String json) {
        return SpecJson.parse(json.getBytes(StandardCharsets.UTF_8), "config.json");
    }

    @Test
    void everyFieldOfEveryRecordIsReadAsDataBindingReadsIt() throws IOException {
        Spec spec = streamed(EVERY_FIELD);
        assertEquals(bound(EVERY_FIELD), spec);
        assertNotNull(spec.linux().seccomp().syscalls().get(1).args().get(0).valueTwo());
        assertEquals(6, spec.linux().timeOffsets().get("monotonic").nanosecs());
    }

    @Test
    void theDefaultConfigOfOciSpecIsReadAsDataBindingReadsIt() throws IOException {
        String json;
        try (InputStream in = io.berth.oci.OciMain.class
                .getResourceAsStream("default-config.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(bound(json), streamed(json));
    }

    @Test
    void scalarsOfAnotherKindAreTakenAsDataBindingTakesThem() throws IOException {
        String json = """
                {"ociVersion": 1, "process": {"terminal": "true", "args": ["a", 2, true],
                  "user": {"uid": "7", "gid": 8.0}, "oomScoreAdj": null},
                 "linux": {"resources": {"memory": {"limit": "100"}}}, "mounts": null}
                """;
        assertEquals(bound(json), streamed(json));
    }

    @Test
    void aValueOfTheWrongKindNamesItsFieldAndIndex() {
        String message = assertThrows(InvalidSpecException.class, () -> streamed(
                "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": [1]}]}}"))
                .getMessage();
        assertTrue(message.startsWith("config.json: linux.namespaces[1].type: "), message);
    }

    @Test
    void anArrayWhereAnObjectBelongsAndBrokenJsonAreRefused() {
        assertThrows(InvalidSpecException.class, () -> streamed("{\"process\": [1]}"));
        assertThrows(InvalidSpecException.class, () -> streamed("[]"));
        assertThrows(InvalidSpecException.class, () -> streamed("{\"process\": {"));
        assertThrows(InvalidSpecException.class, () -> streamed(""));
        assertThrows(InvalidSpecException.class, () -> streamed("{} {}"));
        assertThrows(InvalidSpecException.class,
                () -> streamed("{\"linux\": {\"resources\": {\"pids\": {\"limit\": 1e40}}}}"));
    }
}
