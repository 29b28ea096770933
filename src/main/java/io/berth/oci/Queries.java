package io.berth.oci;

import io.berth.oci.Model.Args;
import io.berth.oci.Model.Verb;
import io.berth.runtime.RuntimeState;
import io.berth.spec.Capability;
import io.berth.spec.Spec;
import io.berth.spec.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The commands that only read: state, list, ps, features, and spec (which writes a file). */
final class Queries {

    private Queries() {
    }

    static final Verb STATE = new Verb("state", "Print the container's OCI state as JSON.",
            Model::id, (oci, args) -> {
                args.out().println(JsonWriter.prettyCopy(oci.runtime().stateJson(args.id())));
                return OciMain.OK;
            });

    static final Verb LIST = new Verb("list", "List the containers.", spec -> {
        spec.aliases("ls");
        spec.addOption(Model.option(String.class, "format", "table or json.", "--format",
                "-f"));
        spec.addOption(Model.flag("Only the ids.", "--quiet", "-q"));
    }, Queries::list);

    private static int list(OciMain oci, Args args) {
        PrintWriter out = args.out();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String id : oci.runtime().list()) {
            rows.add(row(oci.runtime().state(id)));
        }
        if (args.flag("--quiet")) {
            rows.forEach(r -> out.println(r.get("id")));
        } else if ("json".equals(args.option("--format", "table"))) {
            out.println(JsonWriter.compact(rows));
        } else {
            out.printf("%-20s %-8s %-10s %-40s %s%n", "ID", "PID", "STATUS", "BUNDLE",
                    "CREATED");
            for (Map<String, Object> r : rows) {
                out.printf("%-20s %-8s %-10s %-40s %s%n", r.get("id"), r.get("pid"),
                        r.get("status"), r.get("bundle"), r.get("created"));
            }
        }
        out.flush();
        return OciMain.OK;
    }

    private static Map<String, Object> row(RuntimeState s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ociVersion", Spec.OCI_VERSION);
        row.put("id", s.id());
        row.put("pid", s.pid());
        row.put("status", s.status().ociName());
        row.put("bundle", s.bundle().toString());
        row.put("created", s.created().toString());
        row.put("owner", "root");
        row.put("annotations", s.annotations());
        return row;
    }

    static final Verb PS = new Verb("ps", "List the processes in the container's cgroup.",
            spec -> {
                spec.addOption(Model.option(String.class, "format", "table or json.",
                        "--format", "-f"));
                Model.id(spec);
            }, Queries::ps);

    private static int ps(OciMain oci, Args args) {
        PrintWriter out = args.out();
        List<Long> pids = oci.runtime().pids(args.id());
        if ("json".equals(args.option("--format", "table"))) {
            out.println(JsonWriter.compact(pids));
        } else {
            out.printf("%-8s %s%n", "PID", "CMD");
            pids.forEach(pid -> out.printf("%-8d %s%n", pid, commandLine(pid)));
        }
        out.flush();
        return OciMain.OK;
    }

    private static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static final Verb FEATURES = new Verb("features",
            "Print what this runtime supports, as JSON.", spec -> {
            }, Queries::features);

    private static int features(OciMain oci, Args args) {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("ociVersionMin", "1.0.0");
        features.put("ociVersionMax", Spec.OCI_VERSION);
        features.put("hooks", List.of("prestart", "createRuntime", "createContainer",
                "startContainer", "poststart", "poststop"));
        features.put("mountOptions", List.of("ro", "rw", "nosuid", "suid", "nodev", "dev",
                "noexec", "exec", "sync", "async", "remount", "bind", "rbind", "private",
                "rprivate", "shared", "rshared", "slave", "rslave", "noatime", "relatime",
                "strictatime", "nodiratime"));
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "time",
                "user", "uts"));
        linux.put("capabilities", Arrays.stream(Capability.values())
                .map(c -> "CAP_" + c.name()).toList());
        linux.put("cgroup", ordered("v1", true, "v2", true, "systemd", false));
        linux.put("seccomp", ordered("enabled", true,
                "actions", List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                        "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                        "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"),
                "operators", List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                        "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"),
                "archs", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
                        "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM")));
        linux.put("apparmor", ordered("enabled", false));
        linux.put("selinux", ordered("enabled", false));
        features.put("linux", linux);
        args.out().println(JsonWriter.pretty(features));
        return OciMain.OK;
    }

    /** {@code key, value, key, value, ...} in that order: the output is the same every call. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static final Verb SPEC = new Verb("spec", "Write a default config.json into the bundle.",
            spec -> {
                spec.addOption(Model.path("bundle", "The bundle (default: this folder).",
                        "--bundle", "-b"));
                spec.addOption(Model.flag("Not supported: Berth runs as root.", "--rootless"));
            }, Queries::spec);

    private static int spec(OciMain oci, Args args) throws IOException {
        if (args.flag("--rootless")) {
            throw new IllegalArgumentException("--rootless is not supported");
        }
        Path bundle = args.option("--bundle", Path.of("."));
        Path config = bundle.resolve("config.json");
        try (InputStream in = Queries.class.getResourceAsStream("default-config.json")) {
            if (in == null) {
                throw new IllegalStateException("resource default-config.json is missing");
            }
            Files.write(config, in.readAllBytes(), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("File " + config + " exists. Remove it first");
        }
        return OciMain.OK;
    }
}
