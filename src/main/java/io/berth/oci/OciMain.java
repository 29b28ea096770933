package io.berth.oci;

import io.berth.cgroups.CgroupDriver;
import io.berth.runtime.OciRuntime;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code berth oci}: the OCI runtime command line on bundles, after runc's conventions, so that
 * another engine (podman --runtime) or a conformance suite can drive Berth's runtime. Exit code
 * 0 on success, 1 on any error (its message on stderr and, with --log, in the log); run and a
 * foreground exec exit with the process's own code.
 */
@Command(name = "oci", mixinStandardHelpOptions = true,
        description = "The OCI runtime command line (create, start, state, kill, delete, ...).")
public final class OciMain {
    /**
     * The verbs, registered by {@link #run} rather than in the annotation: picocli builds a
     * model of every registered command (annotation proxies, reflective accessors) on each
     * call, and another engine calls one verb per process, so only that one is built.
     */
    static final Map<String, Class<?>> VERBS = Verbs.of(
            "create", Lifecycle.Create.class, "start", Lifecycle.Start.class,
            "run", Lifecycle.Run.class, "kill", Lifecycle.Kill.class,
            "delete", Lifecycle.Delete.class, "pause", Lifecycle.Pause.class,
            "resume", Lifecycle.Resume.class, "exec", Lifecycle.Exec.class,
            "state", Queries.State.class, "list", Queries.ListCommand.class,
            "ps", Queries.Ps.class, "features", Queries.Features.class,
            "spec", Queries.SpecCommand.class);

    /** Where state lives when --root is not given. */
    public static final Path DEFAULT_ROOT = Path.of("/run/berth/oci");

    static final int OK = 0;
    static final int FAILED = 1;

    @Option(names = "--root", description = "State folder (default ${DEFAULT-VALUE}).")
    Path root = DEFAULT_ROOT;

    @Option(names = "--log", description = "Append errors to this file.")
    Path log;

    @Option(names = "--log-format", description = "text or json (default ${DEFAULT-VALUE}).")
    String logFormat = "text";

    @Option(names = "--systemd-cgroup", description = "Accepted for compatibility; ignored.")
    boolean systemdCgroup;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--rootless", description = "Accepted for compatibility; ignored.")
    String rootless;

    private OciRuntime runtime;

    /** The runtime on --root, made on first use. */
    OciRuntime runtime() {
        if (runtime == null) {
            runtime = new OciRuntime(root, OciRuntime.defaultShim(), CgroupDriver.detect(),
                    Sys.linux());
        }
        return runtime;
    }

    /**
     * {@code berth oci ...} started by bin/berth straight into this class, with an AOT cache of
     * its own: none of berth's other commands, its engine or its store is loaded.
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one {@code berth oci ...} command line (without the word oci). */
    public static int run(String... args) {
        OciMain main = new OciMain();
        CommandLine cli = new CommandLine(main);
        String verb = verb(cli.getCommandSpec(), args);
        if (verb != null) {
            register(cli, verb);
        } else {
            VERBS.keySet().forEach(name -> register(cli, name));
        }
        cli.setExecutionExceptionHandler((e, line, parsed) -> main.fail(line, e));
        cli.setParameterExceptionHandler((e, a) -> main.fail(e.getCommandLine(), e));
        try {
            return cli.execute(args);
        } finally {
            if (main.runtime != null) {
                main.runtime.close();
            }
        }
    }

    private static void register(CommandLine cli, String name) {
        CommandLine sub = new CommandLine(VERBS.get(name));
        if (name.equals("exec")) {
            sub.setStopAtPositional(true); // the process's own arguments follow the id
        }
        cli.addSubcommand(name, sub);
    }

    static String verb(CommandSpec root, String... args) {
        return Verbs.find(root, VERBS, args);
    }

    private int fail(CommandLine line, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        PrintWriter err = line.getErr();
        err.println("berth oci: " + message);
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        writeLog(message);
        return FAILED;
    }

    /** runc's --log: one line per error, as text or as a JSON object (level, msg, time). */
    private void writeLog(String message) {
        if (log == null) {
            return;
        }
        String time = Instant.now().toString();
        String line;
        if ("json".equals(logFormat)) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("level", "error");
            entry.put("msg", message);
            entry.put("time", time);
            line = Json.compact(entry);
        } else {
            line = "time=\"" + time + "\" level=error msg=\"" + message.replace("\"", "\\\"")
                    + "\"";
        }
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // The message is on stderr already.
        }
    }
}
