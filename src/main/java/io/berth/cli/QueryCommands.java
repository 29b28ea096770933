package io.berth.cli;

import io.berth.engine.Container;
import io.berth.engine.ContainerFilter;
import io.berth.engine.ContainerSize;
import io.berth.engine.Engine;
import io.berth.engine.Inspection;
import io.berth.engine.NotFoundException;
import io.berth.image.Image;
import io.berth.template.TableFormat;
import io.berth.template.Template;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** ps, inspect and anatomy: looking at containers. */
final class QueryCommands {
    static final String PS_TABLE = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}"
            + "\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
    static final Map<String, String> PS_HEADERS = Map.ofEntries(Map.entry("ID", "CONTAINER ID"),
            Map.entry("Image", "IMAGE"), Map.entry("Command", "COMMAND"),
            Map.entry("CreatedAt", "CREATED AT"), Map.entry("RunningFor", "CREATED"),
            Map.entry("Ports", "PORTS"), Map.entry("Status", "STATUS"),
            Map.entry("State", "STATE"), Map.entry("Size", "SIZE"), Map.entry("Names", "NAMES"),
            Map.entry("Labels", "LABELS"), Map.entry("Mounts", "MOUNTS"),
            Map.entry("Networks", "NETWORKS"));

    /** The Go type of docker's ps rows, named in a template's error on a field they lack. */
    static final String PS_ROW = "*formatter.ContainerContext";

    private QueryCommands() {
    }

    @Command(name = "ps", description = "List containers.")
    static class Ps implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-n", "--last"}, description = "Show n last created containers "
                + "(includes all states).")
        Integer last;

        @Option(names = {"-l", "--latest"}, description = "Show the latest created container "
                + "(includes all states).")
        boolean latest;

        @Option(names = {"-a", "--all"}, description = "Show all containers (default running).")
        boolean all;

        @Option(names = {"-q", "--quiet"}, description = "Only display container IDs.")
        boolean quiet;

        @Option(names = "--no-trunc", description = "Don't truncate output.")
        boolean noTrunc;

        @Option(names = {"-s", "--size"}, description = "Display total file sizes.")
        boolean size;

        @Option(names = "--format", description = "Format output using a Go template.")
        String format;

        @Option(names = {"-f", "--filter"}, description = "Filter output: id, name, status, "
                + "label, ancestor, exited (e.g. status=exited).")
        List<String> filters = new ArrayList<>();

        /** Sizes cost a walk of each writable layer: docker takes them when shown only. */
        private boolean wantsSize() {
            return !quiet && (size || format != null && format.contains(".Size"));
        }

        @Override
        public Integer call() {
            Instant now = Instant.now();
            List<Map<String, Object>> rows = new ArrayList<>();
            Engine engine = Main.of(spec).engine();
            ContainerFilter filter = ContainerFilter.ofWords(filters);
            int limit = latest ? 1 : last != null && last >= 0 ? last : -1;
            for (Container c : engine.list(all || limit >= 0 || filter.asksForStatus())) {
                if (rows.size() == limit) {
                    break; // newest first, as listed: the last N created
                }
                if (!filter.matches(c)) {
                    continue;
                }
                Map<String, Object> row = Inspection.psRow(c, c.running()
                        ? engine.endpoints(c.id()) : List.of(), !noTrunc, now);
                row.put("Label", label(c));
                if (wantsSize()) {
                    row.put("Size", sizeColumn(engine.size(c)));
                }
                rows.add(row);
            }
            boolean plainTable = format == null || format.equals("table");
            String layout = quiet ? "{{.ID}}"
                    : plainTable ? (size ? PS_TABLE + "\t{{.Size}}" : PS_TABLE) : format;
            System.out.print(new TableFormat(layout, PS_HEADERS).rowsOf(PS_ROW).render(rows));
            return 0;
        }
    }

    /** docker's SIZE: "2B (virtual 4.26MB)", the writable layer and the whole root. */
    static String sizeColumn(ContainerSize size) {
        String rw = ImageCommands.humanSize(size.rw());
        return size.rootFs() > 0 ? rw + " (virtual " + ImageCommands.humanSize(size.rootFs())
                + ")" : rw;
    }

    /** docker's {@code {{.Label "key"}}}: one label's value, empty when it is not set. */
    private static Template.Method label(Container c) {
        Map<String, String> labels = c.request().labels();
        return Template.Method.taking(1, args -> labels == null ? ""
                : labels.getOrDefault(String.valueOf(args.get(0)), ""));
    }

    /** `container ls`, `container list` and `container ps`: ps under the container group. */
    @Command(name = "ls", aliases = {"list", "ps"}, description = "List containers.")
    static final class ContainerLs extends Ps {
    }

    @Command(name = "inspect", description = "Return low-level information on objects.")
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-f", "--format"}, description = "Format output using a Go template.")
        String format;

        @Option(names = "--type", description = "Only inspect objects of this type.")
        String type;

        @Parameters(arity = "1..*", paramLabel = "NAME|ID")
        List<String> names;

        @Override
        public Integer call() {
            // docker names the kind it looked for, and says "object" when it looked for any.
            String missing = switch (type == null ? "" : type) {
                case "container" -> "No such container: ";
                case "image" -> "No such image: ";
                default -> "No such object: ";
            };
            return InspectFormat.print(format, names, this::lookup, missing);
        }

        private Optional<Object> lookup(String name) {
            Engine engine = main.engine();
            if (type == null || type.equals("container")) {
                try {
                    return Optional.of(Inspection.inspect(engine.get(name), engine));
                } catch (NotFoundException e) {
                    // Not a container: perhaps an image.
                }
            }
            if (type == null || type.equals("image")) {
                Optional<Image> image = engine.images().find(name);
                if (image.isPresent()) {
                    return Optional.of(ImageCommands.inspect(image.get()));
                }
            }
            return Optional.empty();
        }
    }

    @Command(name = "anatomy",
            description = "Show a container's namespaces beside the host's, and its walls.")
    static final class Anatomy implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = "--pid", description = "Any process, by its host pid.")
        Long pid;

        @Option(names = "--format", description = "table (default) or json.")
        String format = "table";

        @Parameters(arity = "0..1", paramLabel = "CONTAINER")
        String container;

        @Override
        public Integer call() {
            if ((pid == null) == (container == null)) {
                throw new ExitCodes.UserError(pid == null
                        ? "anatomy needs a container name or id, or --pid PID"
                        : "anatomy takes a container or --pid, not both");
            }
            if (pid != null && pid <= 0) {
                throw new ExitCodes.UserError("invalid --pid " + pid
                        + ": a process id is positive");
            }
            io.berth.anatomy.Anatomy a = pid != null ? io.berth.anatomy.Anatomy.of(pid)
                    : main.engine().anatomy(container);
            switch (format) {
                case "json" -> System.out.println(a.json());
                case "table" -> System.out.print(a.table());
                default -> throw new ExitCodes.UserError("unknown --format " + format
                        + " (use table or json)");
            }
            return 0;
        }
    }
}
