package io.berth.cli;

import io.berth.convert.InvalidRequestException;
import io.berth.engine.ConflictException;
import io.berth.engine.Engine;
import io.berth.engine.Inspection;
import io.berth.engine.NotFoundException;
import io.berth.engine.VolumeFilter;
import io.berth.template.TableFormat;
import io.berth.volumes.Volume;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `volume create/inspect/ls/rm/prune`: named volumes and the anonymous ones of -v /path. */
final class VolumeCommands {
    static final String LS_TABLE = "table {{.Driver}}\t{{.Name}}";
    static final Map<String, String> LS_HEADERS = Map.of("Driver", "DRIVER", "Name",
            "VOLUME NAME", "Mountpoint", "MOUNTPOINT", "Scope", "SCOPE", "Labels", "LABELS",
            "Links", "LINKS", "Size", "SIZE", "Group", "GROUP", "Availability", "AVAILABILITY",
            "Status", "STATUS");

    private VolumeCommands() {
    }

    @Command(name = "volume", description = "Manage volumes.", subcommands = {
        VolumeCommands.Create.class, VolumeCommands.Inspect.class, VolumeCommands.Ls.class,
        VolumeCommands.Rm.class, VolumeCommands.Prune.class})
    static final class Group implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            throw new ExitCodes.UserError("berth volume needs a command: create, inspect, ls, rm"
                    + " or prune");
        }
    }

    @Command(name = "create", description = "Create a volume.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-d", "--driver"}, description = "Volume driver name (local).")
        String driver = "local";

        @Option(names = "--label", description = "Set metadata for a volume (key=value).")
        List<String> labels = new ArrayList<>();

        @Option(names = {"-o", "--opt"}, description = "Set driver specific options.")
        List<String> options = new ArrayList<>();

        @Parameters(arity = "0..1", paramLabel = "VOLUME")
        String name;

        @Override
        public Integer call() {
            try {
                Volume v = group.main.engine().createVolume(name, driver, pairs(labels),
                        pairs(options));
                System.out.println(v.name());
                return 0;
            } catch (InvalidRequestException | NotFoundException e) {
                System.err.println(ExitCodes.DAEMON + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }

        /** docker's key=value list; a key alone has the empty value. */
        private static Map<String, String> pairs(List<String> words) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String word : words) {
                int eq = word.indexOf('=');
                out.put(eq < 0 ? word : word.substring(0, eq), eq < 0 ? ""
                        : word.substring(eq + 1));
            }
            return out;
        }
    }

    @Command(name = "inspect", description = "Display detailed information on volumes.")
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-f", "--format"}, description = "Format output using a Go template.")
        String format;

        @Parameters(arity = "1..*", paramLabel = "VOLUME")
        List<String> names;

        @Override
        public Integer call() throws Exception {
            Engine engine = group.main.engine();
            List<Object> found = new ArrayList<>();
            int code = LifecycleCommands.forEach(names, n -> {
                Map<String, Object> doc;
                try {
                    doc = Inspection.volume(engine.volume(n));
                } catch (NotFoundException e) {
                    throw new LifecycleCommands.DaemonRefusal(e);
                }
                if (format != null) {
                    System.out.println(new InspectFormat(format).render(doc));
                } else {
                    found.add(doc);
                }
            });
            if (format == null) {
                System.out.println(GoJson.indent(found));
            }
            return code;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List volumes.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-q", "--quiet"}, description = "Only display volume names.")
        boolean quiet;

        @Option(names = "--format", description = "Format output using a Go template.")
        String format;

        @Option(names = {"-f", "--filter"}, description = "Provide filter values (dangling=true,"
                + " name=..., label=..., driver=local).")
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() {
            Engine engine = group.main.engine();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Volume v : engine.volumes(VolumeFilter.ofWords(filters))) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("Driver", "local");
                row.put("Name", v.name());
                row.put("Mountpoint", v.mountpoint().toString());
                row.put("Scope", "local");
                row.put("Labels", labels(v.labels()));
                row.put("Links", "N/A");
                row.put("Size", "N/A");
                // A swarm cluster volume's fields, which docker's CLI shows as N/A for others.
                row.put("Group", "N/A");
                row.put("Availability", "N/A");
                row.put("Status", "N/A");
                rows.add(row);
            }
            String layout = quiet ? "{{.Name}}"
                    : format == null || format.equals("table") ? LS_TABLE : format;
            System.out.print(new TableFormat(layout, LS_HEADERS)
                    .contextRowsOf("*formatter.volumeContext").render(rows));
            return 0;
        }

        /** docker's Labels column: k=v pairs joined by commas, in key order. */
        private static String labels(Map<String, String> labels) {
            return new TreeMap<>(labels).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more volumes.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-f", "--force"}, description = "Do not fail when a volume is missing.")
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "VOLUME")
        List<String> names;

        @Override
        public Integer call() {
            Engine engine = group.main.engine();
            int code = 0;
            for (String name : names) {
                // docker's CLI prints a missing volume's name under -f too: dockerd's
                // purge-on-error answers it with success.
                try {
                    engine.removeVolume(name, force);
                    System.out.println(name);
                } catch (NotFoundException | ConflictException e) {
                    System.err.println(ExitCodes.DAEMON + e.getMessage());
                    code = ExitCodes.FAILURE;
                }
            }
            return code;
        }
    }

    @Command(name = "prune", description = "Remove unused local volumes.")
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation.")
        boolean force;

        @Option(names = {"-a", "--all"}, description = "Remove all unused volumes, not just"
                + " anonymous ones.")
        boolean all;

        @Option(names = "--filter", description = "Provide filter values (label=..., label!=...).")
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            VolumeFilter filter = VolumeFilter.forPrune(new LinkedHashMap<>(
                    VolumeFilter.words(filters)));
            if (!force && !Confirmation.asked("WARNING! This will remove " + (all ? "all"
                    : "anonymous") + " local volumes not used by at least one container.")) {
                return 0;
            }
            Engine.VolumesPruned pruned = group.main.engine().pruneVolumes(all, filter);
            if (!pruned.removed().isEmpty()) {
                System.out.println("Deleted Volumes:");
                pruned.removed().forEach(System.out::println);
                System.out.println();
            }
            System.out.println("Total reclaimed space: "
                    + ImageCommands.humanSize(pruned.reclaimed()));
            return 0;
        }
    }
}
