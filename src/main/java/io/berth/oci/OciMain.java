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
import picocli.CommandLine.Option;

/**
 * {@code berth oci}: the OCI runtime command line on bundles, after runc's conventions, so that
 * another engine (podman --runtime) or a conformance suite can drive Berth's runtime. Exit code
 * 0 on success, 1 on any error (its message on stderr and, with --log, in the log); run and a
 * foreground exec exit with the process's own code.
 */
@Command(name = "oci", mixinStandardHelpOptions = true,
        description = "The OCI runtime command line (create, start, state, kill, delete, ...).",
        subcommands = {
            Lifecycle.Create.class, Lifecycle.Start.class, Lifecycle.Run.class,
            Lifecycle.Kill.class, Lifecycle.Delete.class, Lifecycle.Pause.class,
            Lifecycle.Resume.class, Lifecycle.Exec.class, Queries.State.class,
            Queries.ListCommand.class, Queries.Ps.class, Queries.Features.class,
            Queries.SpecCommand.class})
public final class OciMain {
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

    /** Runs one {@code berth oci ...} command line (without the word oci). */
    public static int run(String... args) {
        OciMain main = new OciMain();
        CommandLine cli = new CommandLine(main);
        for (String name : new String[] {"exec"}) {
            cli.getSubcommands().get(name).setStopAtPositional(true);
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
