package io.berth.cli;

import io.berth.convert.InvalidRequestException;
import io.berth.engine.ConflictException;
import io.berth.engine.Engine;
import io.berth.engine.EngineConfig;
import io.berth.engine.NotFoundException;
import io.berth.image.ImageFormatException;
import io.berth.runtime.ContainerStartException;
import io.berth.runtime.OciRuntime;
import io.berth.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The berth command: docker's verbs and flags, plus anatomy. */
@Command(name = "berth", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A Linux container engine written in Java.",
        subcommands = {
            RunCommand.class, RunCommand.Create.class, LifecycleCommands.Start.class,
            QueryCommands.Ps.class, QueryCommands.Inspect.class, LifecycleCommands.Stop.class,
            LifecycleCommands.Kill.class, LifecycleCommands.Rm.class,
            LifecycleCommands.Wait.class, QueryCommands.Logs.class, QueryCommands.Anatomy.class,
            ImageCommands.Load.class, ImageCommands.Import.class, ImageCommands.Images.class,
            SystemCommands.VersionCommand.class, SystemCommands.Info.class,
            RegistryCommands.Pull.class, RegistryCommands.Push.class, RegistryCommands.Login.class,
            RegistryCommands.Logout.class, RegistryCommands.Save.class, RegistryCommands.Tag.class,
            RegistryCommands.Rmi.class, RegistryCommands.History.class,
            RegistryCommands.ImageGroup.class})
public final class Main {
    /** Berth's version, printed by `berth version` and `berth --version`. */
    public static final String VERSION = "0.1.0";

    @Option(names = "--root", description = "Persistent state (default ${DEFAULT-VALUE}).")
    Path root = EngineConfig.DEFAULT_ROOT;

    @Option(names = "--runroot", description = "Volatile state (default ${DEFAULT-VALUE}).")
    Path runroot = EngineConfig.DEFAULT_RUNROOT;

    @Option(names = "--log-level", description = "debug, info, warn or error.")
    String logLevel = "warn";

    private Engine engine;

    /** The engine, opened on first use so that --help costs nothing. */
    Engine engine() {
        if (engine == null) {
            engine = Engine.open(new EngineConfig(root, runroot, OciRuntime.defaultShim()));
        }
        return engine;
    }

    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one berth command line and returns its exit code. */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        // After the image, every word belongs to the container's command, as with docker.
        cli.getSubcommands().get("run").setStopAtPositional(true);
        cli.getSubcommands().get("create").setStopAtPositional(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> report(e, line));
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("berth: " + e.getMessage());
            e.getCommandLine().getErr().println("See 'berth "
                    + e.getCommandLine().getCommandName() + " --help'.");
            return ExitCodes.ENGINE;
        });
        try {
            return cli.execute(args);
        } finally {
            main.closeEngine();
        }
    }

    /**
     * Every error of every command is printed here, as one line, and becomes docker's exit code:
     * 125 for run/create/start failures of the engine, 126/127 when the command cannot be run,
     * 1 for other commands.
     */
    private static int report(Exception e, CommandLine line) {
        PrintWriter err = line.getErr();
        boolean runLike = line.getCommand() instanceof ExitCodes.RunLike;
        if (e instanceof ContainerStartException start) {
            err.println("berth: " + start.getMessage());
            return runLike ? ExitCodes.forStartFailure(start) : ExitCodes.FAILURE;
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (!(e instanceof NotFoundException || e instanceof ConflictException
                || e instanceof InvalidRequestException || e instanceof ImageFormatException
                || e instanceof StoreException || e instanceof ExitCodes.UserError)) {
            message = e.getClass().getSimpleName() + ": " + message;
            if ("debug".equals(((Main) line.getCommandSpec().root().userObject()).logLevel)) {
                e.printStackTrace(err);
            }
        }
        err.println("Error: " + message);
        err.flush();
        return runLike ? ExitCodes.ENGINE : ExitCodes.FAILURE;
    }

    /** --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"berth version " + VERSION};
        }
    }
}
