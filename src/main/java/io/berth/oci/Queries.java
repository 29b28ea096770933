package io.berth.oci;

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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands that only read: state, list, ps, features, and spec (which writes a file). */
final class Queries {

    private Queries() {
    }

    @Command(name = "state", description = "Print the container's OCI state as JSON.")
    static final class State implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @picocli.CommandLine.Spec
        CommandSpec command;

        @Parameters(index = "0")
        String id;

        @Override
        public Integer call() throws IOException {
            out(command).println(JsonWriter.prettyCopy(oci.runtime().stateJson(id)));
            return OciMain.OK;
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the containers.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @picocli.CommandLine.Spec
        CommandSpec command;

        @Option(names = {"--format", "-f"}, description = "table or json.")
        String format = "table";

        @Option(names = {"--quiet", "-q"}, description = "Only the ids.")
        boolean quiet;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = out(command);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String id : oci.runtime().list()) {
                rows.add(row(oci.runtime().state(id)));
            }
            if (quiet) {
                rows.forEach(r -> out.println(r.get("id")));
            } else if ("json".equals(format)) {
                out.println(Json.compact(rows));
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
    }

    @Command(name = "ps", description = "List the processes in the container's cgroup.")
    static final class Ps implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @picocli.CommandLine.Spec
        CommandSpec command;

        @Option(names = {"--format", "-f"}, description = "table or json.")
        String format = "table";

        @Parameters(index = "0")
        String id;

        @Override
        public Integer call() {
            PrintWriter out = out(command);
            List<Long> pids = oci.runtime().pids(id);
            if ("json".equals(format)) {
                out.println(Json.compact(pids));
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
    }

    @Command(name = "features", description = "Print what this runtime supports, as JSON.")
    static final class Features implements Callable<Integer> {
        @picocli.CommandLine.Spec
        CommandSpec command;

        @Override
        public Integer call() {
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
            linux.put("cgroup", Map.of("v1", true, "v2", true, "systemd", false));
            linux.put("seccomp", Map.of("enabled", true,
                    "actions", List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                            "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                            "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"),
                    "operators", List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                            "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"),
                    "archs", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
                            "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM")));
            linux.put("apparmor", Map.of("enabled", false));
            linux.put("selinux", Map.of("enabled", false));
            features.put("linux", linux);
            out(command).println(Json.pretty(features));
            return OciMain.OK;
        }
    }

    @Command(name = "spec", description = "Write a default config.json into the bundle.")
    static final class SpecCommand implements Callable<Integer> {
        @Option(names = {"--bundle", "-b"}, description = "The bundle (default: this folder).")
        Path bundle = Path.of(".");

        @Option(names = "--rootless", description = "Not supported: Berth runs as root.")
        boolean rootless;

        @Override
        public Integer call() throws IOException {
            if (rootless) {
                throw new IllegalArgumentException("--rootless is not supported");
            }
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

    private static PrintWriter out(CommandSpec command) {
        return command.commandLine().getOut();
    }
}
