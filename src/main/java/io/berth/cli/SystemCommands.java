package io.berth.cli;

import io.berth.engine.Container;
import io.berth.engine.Engine;
import io.berth.runtime.OciRuntime;
import io.berth.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** version, info and system prune. */
final class SystemCommands {
    private SystemCommands() {
    }

    @Command(name = "version", description = "Show the Berth version information.")
    static final class VersionCommand implements Callable<Integer> {
        @Option(names = {"-f", "--format"}, description = "Format output using a Go template.")
        String format;

        @Override
        public Integer call() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("Version", Main.VERSION);
            v.put("ApiVersion", "1.44");
            v.put("JavaVersion", System.getProperty("java.version"));
            v.put("Os", "linux");
            v.put("Arch", arch());
            v.put("KernelVersion", System.getProperty("os.version"));
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("Client", v);
            both.put("Server", v);
            if ("json".equals(format)) {
                System.out.println(Template.parse("{{json .}}").execute(both));
                return 0;
            }
            if (format != null) {
                System.out.println(Template.parse(format).execute(both));
                return 0;
            }
            System.out.println("Berth:");
            v.forEach((k, value) -> System.out.printf(" %-13s %s%n", k + ":", value));
            return 0;
        }
    }

    static String arch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    @Command(name = "info", description = "Display system-wide information.")
    static final class Info implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-f", "--format"}, description = "Format output using a Go template.")
        String format;

        @Override
        public Integer call() {
            Engine engine = main.engine();
            List<Container> all = engine.list(true);
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("Containers", all.size());
            i.put("ContainersRunning", all.stream().filter(c -> "running".equals(c.status()))
                    .count());
            i.put("ContainersPaused", all.stream().filter(c -> "paused".equals(c.status()))
                    .count());
            i.put("ContainersStopped", all.stream().filter(c -> !c.running()).count());
            i.put("Images", engine.images().list().size());
            i.put("Driver", "overlay");
            i.put("CgroupDriver", "cgroupfs");
            i.put("CgroupVersion", Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) ? "1"
                    : "2");
            i.put("KernelVersion", System.getProperty("os.version"));
            i.put("OperatingSystem", System.getProperty("os.name"));
            i.put("OSType", "linux");
            i.put("Architecture", arch());
            i.put("NCPU", Runtime.getRuntime().availableProcessors());
            i.put("DockerRootDir", engine.config().root().toString());
            i.put("RunRoot", engine.config().runroot().toString());
            i.put("Shim", OciRuntime.defaultShim().toString());
            i.put("ServerVersion", Main.VERSION);
            if (format != null) {
                System.out.println(Template.parse(format).execute(i));
                return 0;
            }
            i.forEach((k, value) -> System.out.printf(" %s: %s%n", k, value));
            return 0;
        }
    }

    @Command(name = "prune", description = "Remove unused data: stopped containers, unused "
            + "networks, dangling images, and what crashed runs left.")
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        ServiceCommand.Group group;

        @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation.")
        boolean force;

        @Option(names = {"-a", "--all"}, description = "Remove all unused images, not just "
                + "dangling ones.")
        boolean all;

        @Option(names = "--volumes", description = "Prune anonymous volumes.")
        boolean volumes;

        @Override
        public Integer call() throws Exception {
            if (!force && !confirmed(all, volumes)) {
                return 0;
            }
            Engine engine = group.main.engine();
            Engine.SystemPruned pruned = engine.systemPrune(all);
            // After the containers: the volumes of those just removed are unused now.
            Engine.VolumesPruned volumesPruned = volumes ? engine.pruneVolumes()
                    : new Engine.VolumesPruned(List.of(), 0);
            section("Deleted Containers:", pruned.containers(), "");
            section("Deleted Networks:", pruned.networks(), "");
            section("Deleted Volumes:", volumesPruned.removed(), "");
            section("Deleted Images:", pruned.images(), "deleted: ");
            System.out.println("Total reclaimed space: " + ImageCommands.humanSize(
                    pruned.reclaimed() + volumesPruned.reclaimed()));
            return 0;
        }

        private static void section(String title, List<String> items, String prefix) {
            if (items.isEmpty()) {
                return;
            }
            System.out.println(title);
            items.forEach(item -> System.out.println(prefix + item));
            System.out.println();
        }

        private static boolean confirmed(boolean all, boolean volumes)
                throws java.io.IOException {
            return Confirmation.asked("WARNING! This will remove:\n"
                    + "  - all stopped containers\n"
                    + "  - all networks not used by at least one container\n"
                    + (volumes ? "  - all anonymous volumes not used by at least one container\n"
                            : "")
                    + (all ? "  - all images without at least one container associated to them"
                            : "  - all dangling images") + "\n"
                    + "  - what crashed runs left: runtime state, endpoints, leases, mounts and"
                    + " cgroups of no container\n");
        }
    }
}
