package io.berth.cli;

import io.berth.engine.ConflictException;
import io.berth.engine.Engine;
import io.berth.engine.NotFoundException;
import io.berth.template.TableFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `volume ls/rm/prune`: the anonymous volumes that {@code -v /path} makes. */
final class VolumeCommands {
    static final String LS_TABLE = "table {{.Driver}}\t{{.Name}}";
    static final Map<String, String> LS_HEADERS = Map.of("Driver", "DRIVER", "Name",
            "VOLUME NAME", "Mountpoint", "MOUNTPOINT", "Scope", "SCOPE", "Labels", "LABELS",
            "Links", "LINKS", "Size", "SIZE");

    private VolumeCommands() {
    }

    @Command(name = "volume", description = "Manage volumes.", subcommands = {
        VolumeCommands.Ls.class, VolumeCommands.Rm.class, VolumeCommands.Prune.class})
    static final class Group implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            throw new ExitCodes.UserError("berth volume needs a command: ls, rm or prune");
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

        @Override
        public Integer call() {
            Engine engine = group.main.engine();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String name : engine.volumeNames()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("Driver", "local");
                row.put("Name", name);
                row.put("Mountpoint", engine.volumeData(name).toString());
                row.put("Scope", "local");
                row.put("Labels", "");
                row.put("Links", "N/A");
                row.put("Size", "N/A");
                rows.add(row);
            }
            String layout = quiet ? "{{.Name}}"
                    : format == null || format.equals("table") ? LS_TABLE : format;
            System.out.print(new TableFormat(layout, LS_HEADERS)
                    .contextRowsOf("*formatter.volumeContext").render(rows));
            return 0;
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
                try {
                    engine.removeVolume(name);
                    System.out.println(name);
                } catch (NotFoundException e) {
                    if (!force) {
                        System.err.println(ExitCodes.DAEMON + e.getMessage());
                        code = ExitCodes.FAILURE;
                    }
                } catch (ConflictException e) {
                    System.err.println(ExitCodes.DAEMON + e.getMessage());
                    code = ExitCodes.FAILURE;
                }
            }
            return code;
        }
    }

    @Command(name = "prune", description = "Remove unused anonymous volumes.")
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            if (!force && !Confirmation.asked("WARNING! This will remove anonymous local"
                    + " volumes not used by at least one container.")) {
                return 0;
            }
            Engine.VolumesPruned pruned = group.main.engine().pruneVolumes();
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
