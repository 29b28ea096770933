package io.berth.cli;

import io.berth.convert.InvalidRequestException;
import io.berth.engine.ConflictException;
import io.berth.engine.Engine;
import io.berth.engine.EngineConfig;
import io.berth.engine.NotFoundException;
import io.berth.image.ImageFormatException;
import io.berth.oci.OciMain;
import io.berth.runtime.ContainerStartException;
import io.berth.runtime.OciRuntime;
import io.berth.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The berth command: docker's verbs and flags, plus anatomy. Its subcommands are listed in
 * {@link #COMMANDS}, not in this annotation, so that a call builds only the one it runs.
 */
@Command(name = "berth", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A Linux container engine written in Java.")
public final class Main {
    /** Berth's version, printed by `berth version` and `berth --version`. */
    public static final String VERSION = "0.1.0";

    /**
     * Every verb and its command class, in the order `berth --help` lists them. picocli builds a
     * command's whole model (fields, options, usage) by reflection when it is registered, which
     * cost about 50 ms for all of them on every call; so only the verb being called is
     * registered, and all of them only for help and for words that are no verb.
     */
    static final Map<String, Class<?>> COMMANDS = io.berth.oci.Verbs.of(
            "run", RunCommand.class, "create", RunCommand.Create.class,
            "start", LifecycleCommands.Start.class, "ps", QueryCommands.Ps.class,
            "inspect", QueryCommands.Inspect.class, "stop", LifecycleCommands.Stop.class,
            "restart", LifecycleCommands.Restart.class,
            "kill", LifecycleCommands.Kill.class, "rm", LifecycleCommands.Rm.class,
            "wait", LifecycleCommands.Wait.class, "logs", LogsCommand.class,
            "anatomy", QueryCommands.Anatomy.class, "load", ImageCommands.Load.class,
            "import", ImageCommands.Import.class, "images", ImageCommands.Images.class,
            "version", SystemCommands.VersionCommand.class, "info", SystemCommands.Info.class,
            "network", NetworkCommands.Group.class, "port", NetworkCommands.Port.class,
            "container-cleanup", LifecycleCommands.Cleanup.class, "exec", ExecCommand.class,
            "pause", LifecycleCommands.Pause.class, "unpause", LifecycleCommands.Unpause.class,
            "top", InspectionCommands.Top.class, "stats", InspectionCommands.StatsCommand.class,
            "rename", InspectionCommands.Rename.class, "attach", InspectionCommands.Attach.class,
            "container", InspectionCommands.ContainerGroup.class, "oci", OciCommand.class,
            "system", ServiceCommand.Group.class, "update", UpdateCommand.class,
            "cp", CpCommand.class, "pull", RegistryCommands.Pull.class,
            "push", RegistryCommands.Push.class, "login", RegistryCommands.Login.class,
            "logout", RegistryCommands.Logout.class, "save", RegistryCommands.Save.class,
            "tag", RegistryCommands.Tag.class, "rmi", RegistryCommands.Rmi.class,
            "history", RegistryCommands.History.class, "image", RegistryCommands.ImageGroup.class,
            "volume", VolumeCommands.Group.class);

    /** After the image, every word of these belongs to the container's command, as with docker. */
    private static final Set<String> STOP_AT_POSITIONAL = Set.of("run", "create", "exec");

    @Option(names = "--root", description = "Persistent state (default ${DEFAULT-VALUE}).")
    Path root = EngineConfig.DEFAULT_ROOT;

    @Option(names = "--runroot", description = "Volatile state (default ${DEFAULT-VALUE}).")
    Path runroot = EngineConfig.DEFAULT_RUNROOT;

    /** Absolute, so that the paths Berth records and hands the shim mean the same later. */
    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    @Option(names = "--log-level", description = "debug, info, warn or error.")
    LogLevel logLevel = LogLevel.warn;

    /** docker's log levels, lower case as typed. */
    enum LogLevel { debug, info, warn, error, fatal }

    @Option(names = "--bridge-name",
            description = "The default network's bridge (for a second root beside the first).")
    String bridgeName;

    @Option(names = "--bridge-subnet",
            description = "The default network's subnet (with --bridge-name).")
    String bridgeSubnet;

    private Engine engine;

    /** A warm engine lent by the service that runs this command line; not ours to close. */
    private Engine lent;

    /** The berth command a (sub)command runs under, wherever it sits in the tree. */
    static Main of(CommandSpec command) {
        return (Main) command.root().userObject();
    }

    /** The engine, opened on first use so that --help costs nothing. */
    Engine engine() {
        if (engine == null) {
            EngineConfig.Bridge bridge = bridgeName == null ? null
                    : new EngineConfig.Bridge(bridgeName, bridgeSubnet);
            EngineConfig config = new EngineConfig(absolute(root), absolute(runroot),
                    OciRuntime.defaultShim(), bridge);
            engine = lent != null && lent.config().samePlaces(config) ? lent
                    : Engine.open(config);
        }
        return engine;
    }

    void closeEngine() {
        if (engine != null && engine != lent) {
            engine.close();
        }
    }

    public static void main(String[] args) {
        // The engine's warnings (a skipped xattr, say) as one line each, "WARNING: ...", not
        // java.util.logging's default of a dated line above the message.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "%4$s: %5$s%6$s%n");
        }
        if (args.length > 0 && args[0].equals("oci")) {
            // The OCI command line has options of its own and none of berth's: another
            // engine's every call skips building berth's command model (tens of ms cold).
            System.exit(OciMain.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(run(args));
    }

    /** Runs one berth command line and returns its exit code. */
    public static int run(String... args) {
        return run(null, args);
    }

    /**
     * Runs one berth command line on a warm engine when it names that engine's root and
     * runroot (else on its own), and returns its exit code.
     */
    static int run(Engine warm, String... args) {
        args = withoutContainerWord(args);
        CommandLine cli = warm == null ? null : Reused.commandLine(args);
        if (cli == null) {
            cli = commandLine(new Main(), args);
        }
        Main main = (Main) cli.getCommandSpec().userObject();
        main.engine = null;
        main.lent = warm;
        try {
            return cli.execute(args);
        } catch (StackOverflowError e) {
            // A template nested thousands deep: one line, as for any other bad input.
            cli.getErr().println("Error: too deeply nested to evaluate");
            return ExitCodes.FAILURE;
        } finally {
            main.closeEngine();
            main.engine = null;
            main.lent = null;
        }
    }

    /** The command line of main with the verb of args registered (all verbs when none). */
    private static CommandLine commandLine(Main main, String... args) {
        CommandLine cli = new CommandLine(main);
        String verb = verb(cli.getCommandSpec(), args);
        if (verb != null) {
            register(cli, verb, COMMANDS.get(verb));
        } else {
            COMMANDS.forEach((name, command) -> register(cli, name, command));
        }
        cli.setExecutionExceptionHandler((e, line, parsed) -> report(e, line));
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("berth: " + e.getMessage());
            e.getCommandLine().getErr().println("See '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.ENGINE;
        });
        return cli;
    }

    /**
     * picocli's model of a command, kept per thread and verb by the engine's command server:
     * building it by reflection costs a few milliseconds of every forwarded `run`, and picocli
     * resets every option and parameter to its initial value before it parses again. Only
     * verbs whose command objects keep no state of their own besides their options.
     */
    private static final class Reused {
        private static final Set<String> VERBS = Set.of("run", "create", "start", "stop",
                "kill", "rm", "ps", "inspect", "images", "version", "logs", "wait", "exec",
                "container-cleanup");
        private static final ThreadLocal<Map<String, CommandLine>> BY_VERB =
                ThreadLocal.withInitial(java.util.HashMap::new);
        /** The bare root, for finding the verb: only its global options are read. */
        private static final ThreadLocal<CommandSpec> ROOT =
                ThreadLocal.withInitial(() -> new CommandLine(new Main()).getCommandSpec());

        static CommandLine commandLine(String... args) {
            String verb = verb(ROOT.get(), args);
            if (verb == null || !VERBS.contains(verb)) {
                return null;
            }
            return BY_VERB.get().computeIfAbsent(verb, v -> Main.commandLine(new Main(), v));
        }
    }

    private static void register(CommandLine cli, String name, Class<?> command) {
        CommandLine sub = new CommandLine(command);
        if (STOP_AT_POSITIONAL.contains(name)) {
            sub.setStopAtPositional(true);
        }
        if (!name.equals("oci")) {
            addHelp(sub); // oci's words, --help included, are the OCI command line's own
        }
        cli.addSubcommand(name, sub);
    }

    /** docker's `--help` on every verb and sub-verb (-h is taken: run's hostname). */
    private static void addHelp(CommandLine command) {
        if (command.getCommandSpec().findOption("--help") == null) {
            command.getCommandSpec().addOption(OptionSpec.builder("--help").usageHelp(true)
                    .description("Print usage").build());
        }
        command.getSubcommands().values().forEach(Main::addHelp);
    }

    /** What `berth container` has as verbs of its own; its other words are berth's verbs. */
    private static final Set<String> CONTAINER_VERBS = Set.of("prune", "restart", "ls", "list",
            "ps");

    /**
     * docker's management form `container VERB` is the same command as `VERB` (inspect, rm,
     * run, logs, exec, ...): the word is dropped, so each verb has one implementation. Only
     * `container inspect` keeps what the word meant, as `inspect --type=container`: it looks
     * for containers alone, and names what it did not find a container.
     */
    static String[] withoutContainerWord(String[] args) {
        if (!Arrays.asList(args).contains("container")) {
            return args;
        }
        CommandSpec root = null; // built only for a global option before the verb
        for (int i = 0; i < args.length - 1; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                String next = args[i + 1];
                if (arg.equals("container") && COMMANDS.containsKey(next)
                        && !CONTAINER_VERBS.contains(next)) {
                    List<String> verb = new ArrayList<>(Arrays.asList(args));
                    verb.remove(i);
                    if (next.equals("inspect")) {
                        verb.add(i + 1, "--type=container");
                    }
                    return verb.toArray(String[]::new);
                }
                return args;
            }
            if (arg.contains("=")) {
                continue;
            }
            if (root == null) {
                root = new CommandLine(new Main()).getCommandSpec();
            }
            OptionSpec option = root.findOption(arg);
            if (option != null && option.arity().max() > 0) {
                i++; // its value
            }
        }
        return args;
    }

    /** The verb of a command line when it is one of {@link #COMMANDS} (see Verbs). */
    static String verb(CommandSpec root, String... args) {
        return io.berth.oci.Verbs.find(root, COMMANDS, args);
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
        if (e instanceof java.io.UncheckedIOException io && io.getCause() != null) {
            message = message + ": " + io.getCause().getMessage();
        } else if (!(e instanceof io.berth.template.TemplateException
                || e instanceof io.berth.anatomy.ProcessGoneException
                || e instanceof NotFoundException || e instanceof ConflictException
                || e instanceof InvalidRequestException || e instanceof ImageFormatException
                || e instanceof StoreException || e instanceof ExitCodes.UserError
                || e instanceof io.berth.network.NetworkException
                || e instanceof IllegalArgumentException
                || e instanceof io.berth.runtime.ContainerStateException)) {
            message = e.getClass().getSimpleName() + ": " + message;
            if (of(line.getCommandSpec()).logLevel == LogLevel.debug) {
                e.printStackTrace(err);
            }
        }
        // docker prints a template's error as it is: "template parsing error: ...".
        err.println(e instanceof io.berth.template.TemplateException ? message
                : "Error: " + message);
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
