package io.berth.oci;

import io.berth.cgroups.CgroupDriver;
import io.berth.runtime.OciRuntime;
import io.berth.spec.JsonWriter;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code berth oci}: the OCI runtime command line on bundles, after runc's conventions, so that
 * another engine (podman --runtime) or a conformance suite can drive Berth's runtime. Exit code
 * 0 on success, 1 on any error (its message on stderr and, with --log, in the log); run and a
 * foreground exec exit with the process's own code. The command line's model is built through
 * picocli's programmatic API (see {@link Model}), the called verb's only.
 */
public final class OciMain {
    /**
     * The verbs, in the order help lists them. Only the one being called is added to the model:
     * another engine calls one verb per process.
     */
    static final Map<String, Model.Verb> VERBS = verbs(
            Lifecycle.CREATE, Lifecycle.START, Lifecycle.RUN, Lifecycle.KILL, Lifecycle.DELETE,
            Lifecycle.PAUSE, Lifecycle.RESUME, Lifecycle.EXEC, Queries.STATE, Queries.LIST,
            Queries.PS, Queries.FEATURES, Queries.SPEC);

    /** Where state lives when --root is not given. */
    public static final Path DEFAULT_ROOT = Path.of("/run/berth/oci");

    static final int OK = 0;
    static final int FAILED = 1;

    private final CommandSpec spec = rootSpec();

    private OciRuntime runtime;

    private static Map<String, Model.Verb> verbs(Model.Verb... verbs) {
        Map<String, Model.Verb> byName = new LinkedHashMap<>();
        for (Model.Verb verb : verbs) {
            byName.put(verb.name(), verb);
        }
        return Collections.unmodifiableMap(byName);
    }

    private CommandSpec rootSpec() {
        CommandSpec root = CommandSpec.wrapWithoutInspection(this).name("oci");
        // picocli's standard help mixin is read from annotations; these are the same options.
        root.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        root.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        root.usageMessage().description(
                "The OCI runtime command line (create, start, state, kill, delete, ...).");
        root.addOption(Model.path("root", "State folder (default " + DEFAULT_ROOT + ").",
                "--root"));
        root.addOption(Model.path("log", "Append errors to this file.", "--log"));
        root.addOption(Model.option(String.class, "logFormat", "text or json (default text).",
                "--log-format"));
        root.addOption(Model.flag("Accepted for compatibility; ignored.", "--systemd-cgroup"));
        root.addOption(Model.flag("Print stack traces of errors.", "--debug"));
        root.addOption(Model.option(String.class, "rootless",
                "Accepted for compatibility; ignored.", "--rootless"));
        return root;
    }

    private <T> T global(String name, T absent) {
        return new Model.Args(spec).option(name, absent);
    }

    /** The runtime on --root, made on first use. */
    OciRuntime runtime() {
        if (runtime == null) {
            runtime = new OciRuntime(global("--root", DEFAULT_ROOT), OciRuntime.defaultShim(),
                    CgroupDriver.detect(), Sys.linux());
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
        CommandLine cli = new CommandLine(main.spec);
        String verb = Verbs.find(main.spec, VERBS, args);
        if (verb != null) {
            main.register(cli, VERBS.get(verb));
        } else {
            VERBS.values().forEach(v -> main.register(cli, v));
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

    private void register(CommandLine cli, Model.Verb verb) {
        CommandSpec spec = verb.spec(this);
        if (spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        CommandLine sub = new CommandLine(spec);
        if (verb.name().equals("exec")) {
            sub.setStopAtPositional(true); // the process's own arguments follow the id
        }
        cli.addSubcommand(verb.name(), sub);
    }

    private int fail(CommandLine line, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        PrintWriter err = line.getErr();
        err.println("berth oci: " + message);
        if (global("--debug", Boolean.FALSE)) {
            e.printStackTrace(err);
        }
        err.flush();
        writeLog(message);
        return FAILED;
    }

    /** runc's --log: one line per error, as text or as a JSON object (level, msg, time). */
    private void writeLog(String message) {
        Path log = global("--log", null);
        if (log == null) {
            return;
        }
        String time = Instant.now().toString();
        String line;
        if ("json".equals(global("--log-format", "text"))) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("level", "error");
            entry.put("msg", message);
            entry.put("time", time);
            line = JsonWriter.compact(entry);
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
