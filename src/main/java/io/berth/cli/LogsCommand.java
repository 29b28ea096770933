package io.berth.cli;

import io.berth.engine.Container;
import io.berth.engine.ContainerLog;
import io.berth.engine.Engine;
import io.berth.engine.LogTimes;
import io.berth.engine.NotFoundException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berth logs}: a container's output as the shim logged it, stdout and stderr apart. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Fetch the logs of a container.")
final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-f", "--follow"}, description = "Follow log output.")
    boolean follow;

    @Option(names = {"-t", "--timestamps"}, description = "Show timestamps.")
    boolean timestamps;

    @Option(names = {"-n", "--tail"}, description = "Lines to show from the end (all).")
    String tail = "all";

    @Option(names = "--since", description = "Show logs since timestamp (e.g. "
            + "\"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes).")
    String since;

    @Option(names = "--until", description = "Show logs before a timestamp (e.g. "
            + "\"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes).")
    String until;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Override
    public Integer call() throws Exception {
        Engine engine = main.engine();
        Container c = engine.get(container);
        Path log = engine.readableLog(c);
        Instant now = Instant.now();
        ContainerLog.Query query = new ContainerLog.Query(time("since", since, now),
                time("until", until, now), ContainerLog.Query.tail(tail));
        ContainerLog.Position end = ContainerLog.read(log, query, this::print);
        if (follow) {
            ContainerLog.follow(log, end, query, () -> running(engine, c.id()), this::print);
        }
        return 0;
    }

    /** A container removed meanwhile (--rm) has stopped too. */
    private static boolean running(Engine engine, String id) {
        try {
            return engine.get(id).running();
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static Instant time(String flag, String value, Instant now) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return LogTimes.parse(value, now);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UserError("invalid value for \"" + flag + "\": "
                    + e.getMessage());
        }
    }

    private void print(ContainerLog.Entry e) {
        PrintStream target = "stderr".equals(e.stream()) ? System.err : System.out;
        target.print((timestamps ? e.timestamp() + " " : "") + e.content()
                + (e.partial() ? "" : "\n"));
        target.flush();
    }
}
