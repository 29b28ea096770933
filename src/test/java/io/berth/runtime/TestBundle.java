package io.berth.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * A bundle for tests: the busybox fixture unpacked as rootfs, and a config.json like the one
 * `runc spec` writes (all namespaces but user, the usual mounts, masked and read-only paths),
 * changeable as a JSON tree before {@link #write()}.
 */
final class TestBundle {
    private static final String LAYER =
            "770bdd23eef2ab503c845d042c91f9f5a650d0b41ca5f7a81e295bf2b57e0821/layer.tar";

    final Path dir;
    final Path rootfs;
    final ObjectNode config;
    final String cgroupsPath = "/berth/runtime-test-" + UUID.randomUUID();

    TestBundle(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.rootfs = dir.resolve("rootfs");
        Files.createDirectories(rootfs);
        open(dir);
        open(rootfs);
        unpackBusybox(rootfs);
        this.config = (ObjectNode) SpecJson.mapper().readTree(defaultConfig());
        config.withObject("/linux").put("cgroupsPath", cgroupsPath);
    }

    static void open(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void unpackBusybox(Path rootfs) throws IOException, InterruptedException {
        Path archive = Path.of(System.getProperty("berth.fixtures"),
                "busybox-docker-archive.tar");
        run("sh", "-c", "tar -xOf '" + archive + "' " + LAYER + " | tar -x -C '" + rootfs + "'");
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + p.exitValue());
        }
    }

    /** A cgroup of its own for the next container, beside the bundle's (which one may hold). */
    TestBundle inCgroup(String suffix) {
        config.withObject("/linux").put("cgroupsPath", cgroupsPath + "-" + suffix);
        return this;
    }

    TestBundle args(String... args) {
        ArrayNode array = config.withObject("/process").putArray("args");
        for (String a : args) {
            array.add(a);
        }
        return this;
    }

    TestBundle withoutNamespace(String type) {
        ArrayNode namespaces = (ArrayNode) config.withObject("/linux").get("namespaces");
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            if (namespaces.get(i).get("type").asText().equals(type)) {
                namespaces.remove(i);
            }
        }
        return this;
    }

    TestBundle withUserNamespace(long hostId, long size) {
        ObjectNode linux = config.withObject("/linux");
        ((ArrayNode) linux.get("namespaces")).addObject().put("type", "user");
        for (String field : new String[] {"uidMappings", "gidMappings"}) {
            linux.putArray(field).addObject().put("containerID", 0).put("hostID", hostId)
                    .put("size", size);
        }
        return this;
    }

    TestBundle mount(String destination, String type, String source, String... options) {
        ObjectNode m = ((ArrayNode) config.get("mounts")).addObject();
        m.put("destination", destination).put("type", type).put("source", source);
        ArrayNode opts = m.putArray("options");
        for (String o : options) {
            opts.add(o);
        }
        return this;
    }

    Path write() throws IOException {
        Files.writeString(dir.resolve("config.json"),
                SpecJson.mapper().writeValueAsString(config));
        return dir;
    }

    private static String defaultConfig() {
        return """
            {
              "ociVersion": "1.2.0",
              "process": {
                "terminal": false,
                "user": {"uid": 0, "gid": 0},
                "args": ["sh"],
                "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                        "TERM=xterm"],
                "cwd": "/",
                "capabilities": {
                  "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                    "CAP_CHOWN", "CAP_SETUID", "CAP_SETGID"],
                  "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                    "CAP_CHOWN", "CAP_SETUID", "CAP_SETGID"],
                  "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                    "CAP_CHOWN", "CAP_SETUID", "CAP_SETGID"]
                },
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                "noNewPrivileges": true
              },
              "root": {"path": "rootfs", "readonly": false},
              "hostname": "berth-test",
              "mounts": [
                {"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                 "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                 "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
                   "gid=5"]},
                {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
                 "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
                 "options": ["nosuid", "noexec", "nodev"]},
                {"destination": "/sys", "type": "sysfs", "source": "sysfs",
                 "options": ["nosuid", "noexec", "nodev", "ro"]}
              ],
              "linux": {
                "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                  {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}],
                "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/timer_list",
                  "/sys/firmware", "/proc/scsi"],
                "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                  "/proc/sysrq-trigger"]
              }
            }
            """;
    }

    /**
     * Ends a runtime test: deletes every container, closes the runtime, removes the bundle's
     * cgroup, checks that no mount is left under the work folder, then deletes the folder.
     */
    static void cleanUp(OciRuntime runtime, TestBundle bundle, Path work) throws IOException {
        for (String id : runtime.list()) {
            runtime.delete(id, true);
        }
        runtime.close();
        new TestCgroups().destroy(bundle.cgroupsPath);
        String prefix = work.toRealPath().toString();
        java.util.List<String> leaks = Files.readAllLines(Path.of("/proc/self/mountinfo"))
                .stream().filter(l -> l.contains(prefix)).toList();
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), leaks,
                "mounts left under the test folder");
        try (java.util.stream.Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                // An idle reaper of the test's unlinks its own socket as it leaves.
                Files.deleteIfExists(p);
            }
        }
    }
}
