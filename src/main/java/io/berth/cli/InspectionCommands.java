package io.berth.cli;

import io.berth.cgroups.Stats;
import io.berth.engine.InterfaceCounters;
import io.berth.engine.Container;
import io.berth.engine.Engine;
import io.berth.engine.ProcessTable;
import io.berth.runtime.Attachment;
import io.berth.template.TableFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

/** top, stats, rename, attach and container prune. */
final class InspectionCommands {
    static final String STATS_TABLE = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}"
            + "\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";
    static final Map<String, String> STATS_HEADERS = Map.of("ID", "CONTAINER ID", "Name", "NAME",
            "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemPerc", "MEM %", "NetIO",
            "NET I/O", "BlockIO", "BLOCK I/O", "PIDs", "PIDS");

    private InspectionCommands() {
    }

    @Command(name = "top", description = "Display the running processes of a container.",
            customSynopsis = "berth top CONTAINER [ps OPTIONS]")
    static final class Top implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "CONTAINER")
        String container;

        /** Everything after the container: the host ps's options, as docker passes them. */
        @Unmatched
        List<String> psOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            ProcessTable table = main.engine().top(container, String.join(" ", psOptions));
            // The docker CLI's tabwriter for top: cells at least 20 wide, 3 apart.
            StringBuilder text = new StringBuilder(String.join("\t", table.titles()))
                    .append('\n');
            for (List<String> row : table.processes()) {
                text.append(String.join("\t", row)).append('\n');
            }
            System.out.print(TableFormat.align(text.toString(), 20));
            return 0;
        }
    }

    @Command(name = "stats", description = "Display resource usage of containers.")
    static final class StatsCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = "--no-stream", description = "Print one sample and exit.")
        boolean noStream;

        @Option(names = {"-a", "--all"},
                description = "Show all containers (default shows just running).")
        boolean all;

        @Option(names = "--no-trunc", description = "Do not truncate output.")
        boolean noTrunc;

        @Option(names = "--format", description = "Format output using a Go template.")
        String format;

        @Parameters(arity = "0..*", paramLabel = "CONTAINER")
        List<String> containers = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Engine engine = main.engine();
            do {
                List<Container> chosen = new ArrayList<>();
                if (containers.isEmpty()) {
                    chosen.addAll(engine.list(all));
                } else {
                    for (String c : containers) {
                        chosen.add(engine.get(c));
                    }
                }
                System.out.print(render(engine, chosen));
                if (!noStream) {
                    Thread.sleep(1000);
                }
            } while (!noStream);
            return 0;
        }

        /** Two samples half a second apart give the CPU share, as docker's first line does. */
        private String render(Engine engine, List<Container> chosen) throws Exception {
            Map<String, Stats> first = new LinkedHashMap<>();
            for (Container c : chosen) {
                if (c.running()) {
                    first.put(c.id(), engine.stats(c.id()));
                }
            }
            long start = System.nanoTime();
            Thread.sleep(500);
            double elapsed = System.nanoTime() - start;
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Container c : chosen) {
                Stats then = first.get(c.id());
                if (then == null) {
                    rows.add(zeroRow(c));
                    continue;
                }
                Stats now = engine.stats(c.id());
                double cpu = then.cpuUsageNanos() < 0 ? 0
                        : (now.cpuUsageNanos() - then.cpuUsageNanos()) / elapsed * 100;
                rows.add(row(c, now, cpu));
            }
            String layout = format == null ? STATS_TABLE : format;
            return new TableFormat(layout, STATS_HEADERS)
                    .contextRowsOf("*container.statsContext").render(rows);
        }

        private Map<String, Object> row(Container c, Stats s, double cpu) {
            Map<String, Object> row = new LinkedHashMap<>();
            long limit = s.memoryLimit() > 0 && s.memoryLimit() < Long.MAX_VALUE / 2
                    ? s.memoryLimit() : hostMemory();
            row.put("ID", noTrunc ? c.id() : c.shortId());
            row.put("Container", c.shortId());
            row.put("Name", c.name());
            row.put("CPUPerc", String.format(Locale.ROOT, "%.2f%%", cpu));
            row.put("MemUsage", binarySize(Math.max(0, s.memoryUsage())) + " / "
                    + binarySize(limit));
            row.put("MemPerc", String.format(Locale.ROOT, "%.2f%%",
                    limit > 0 ? 100.0 * Math.max(0, s.memoryUsage()) / limit : 0));
            row.put("NetIO", netIo(c.pid()));
            row.put("BlockIO", "0B / 0B");
            row.put("PIDs", Math.max(0, s.pidsCurrent()));
            return row;
        }

        /** docker's row for a container that does not run: every figure zero. */
        private Map<String, Object> zeroRow(Container c) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ID", noTrunc ? c.id() : c.shortId());
            row.put("Container", c.shortId());
            row.put("Name", c.name());
            row.put("CPUPerc", "0.00%");
            row.put("MemUsage", "0B / 0B");
            row.put("MemPerc", "0.00%");
            row.put("NetIO", "0B / 0B");
            row.put("BlockIO", "0B / 0B");
            row.put("PIDs", 0);
            return row;
        }

        /** Bytes received and sent on the container's interfaces but lo. */
        private static String netIo(long pid) {
            long rx = 0;
            long tx = 0;
            try {
                for (InterfaceCounters i : InterfaceCounters.of(pid).values()) {
                    rx += i.rxBytes();
                    tx += i.txBytes();
                }
            } catch (IOException | NumberFormatException e) {
                return "--";
            }
            return ImageCommands.humanSize(rx) + " / " + ImageCommands.humanSize(tx);
        }

        private static long hostMemory() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return 0;
        }

        /** docker's memory sizes: binary units with two decimals (1.5MiB). */
        static String binarySize(long bytes) {
            String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
            double v = bytes;
            int i = 0;
            while (v >= 1024 && i < units.length - 1) {
                v /= 1024;
                i++;
            }
            String number = String.format(Locale.ROOT, "%.2f", v);
            number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
            return number + units[i];
        }
    }

    @Command(name = "rename", description = "Rename a container.")
    static final class Rename implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "CONTAINER")
        String container;

        @Parameters(index = "1", paramLabel = "NEW_NAME")
        String newName;

        @Override
        public Integer call() {
            main.engine().rename(container, newName);
            return 0;
        }
    }

    @Command(name = "attach", description = "Attach to a running container's output.")
    static final class Attach implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = "--no-stdin", description = "Do not attach STDIN.")
        boolean noStdin;

        @Parameters(index = "0", paramLabel = "CONTAINER")
        String container;

        @Override
        public Integer call() throws Exception {
            Engine engine = main.engine();
            Container c = engine.get(container);
            Attachment attachment = engine.attach(container);
            boolean interactive = !noStdin && c.request().openStdin();
            boolean tty = c.request().tty() && interactive && Terminal.available();
            if (RunCommand.follow(attachment, tty, interactive,
                    (rows, columns) -> engine.resize(c.id(), rows, columns))) {
                return 0;
            }
            return engine.await(c.id());
        }
    }

    @Command(name = "container", description = "Manage containers (prune, restart).",
            subcommands = {InspectionCommands.Prune.class, LifecycleCommands.Restart.class,
                QueryCommands.ContainerLs.class})
    static final class ContainerGroup implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            throw new ExitCodes.UserError("berth container needs a command: ls, prune or "
                    + "restart");
        }
    }

    @Command(name = "prune", description = "Remove all stopped containers.")
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        ContainerGroup group;

        @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            List<String> removed = group.main.engine().prune();
            if (!removed.isEmpty()) {
                System.out.println("Deleted Containers:");
                removed.forEach(System.out::println);
                System.out.println();
            }
            System.out.println("Total reclaimed space: 0B");
            return 0;
        }
    }
}
