package io.berth.oci;

import io.berth.oci.Model.Args;
import io.berth.oci.Model.Verb;
import io.berth.runtime.ContainerStateException;
import io.berth.runtime.CreateOptions;
import io.berth.runtime.ExecSpec;
import io.berth.runtime.InheritedStdio;
import io.berth.runtime.RuntimeState;
import io.berth.runtime.Status;
import io.berth.spec.Spec;
import io.berth.spec.SpecJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** The commands that change a container: create, start, run, kill, delete, pause, exec. */
final class Lifecycle {

    private Lifecycle() {
    }

    /** What create and run share: the bundle, the pid file, the console socket, the id. */
    private static void creating(CommandSpec spec) {
        spec.addOption(Model.path("bundle", "The bundle (default: this folder).", "--bundle",
                "-b"));
        spec.addOption(Model.path("pidFile", "Write the process's pid here.", "--pid-file"));
        spec.addOption(Model.path("consoleSocket",
                "Unix socket that receives the pty master (process.terminal).",
                "--console-socket"));
        spec.addOption(Model.flag("Accepted; Berth always pivots.", "--no-pivot"));
        spec.addOption(Model.flag("Accepted; no keyring is made.", "--no-new-keyring"));
        spec.addOption(Model.option(int.class, "preserveFds", "Accepted; must be 0.",
                "--preserve-fds"));
        spec.addPositional(Model.parameter(0, "id", "The container id."));
    }

    /**
     * create's and run's values, checked as runc checks them. config.json is read here once
     * and handed to the runtime, which would otherwise parse it a second time.
     */
    private record Creating(Path bundle, Spec spec, Path pidFile, Path consoleSocket, String id) {
        static Creating of(Args args) {
            Path bundle = args.option("--bundle", Path.of("."));
            Creating c = new Creating(bundle, SpecJson.read(bundle.resolve("config.json")),
                    args.option("--pid-file", null), args.option("--console-socket", null),
                    args.id());
            c.checkTerminal(args.option("--preserve-fds", 0));
            return c;
        }

        /** runc's rule: a pty needs somewhere to go, since the caller is not watching. */
        private void checkTerminal(int preserveFds) {
            boolean terminal = spec.process() != null
                    && Boolean.TRUE.equals(spec.process().terminal());
            if (terminal && consoleSocket == null) {
                throw new IllegalArgumentException("process.terminal is true, so --console-socket"
                        + " is needed: it receives the pty master");
            }
            if (preserveFds != 0) {
                throw new IllegalArgumentException("--preserve-fds is not supported yet");
            }
        }

        CreateOptions options(boolean foreground) {
            return CreateOptions.inheriting(new InheritedStdio(consoleSocket, foreground),
                    pidFile);
        }
    }

    static final Verb CREATE = new Verb("create", "Create a container that waits for start.",
            Lifecycle::creating, (oci, args) -> {
                Creating c = Creating.of(args);
                oci.runtime().create(c.id(), c.bundle(), c.spec(), c.options(false));
                return OciMain.OK;
            });

    static final Verb RUN = new Verb("run", "Create and start a container, and wait for it.",
            spec -> {
                creating(spec);
                spec.addOption(Model.flag("Return once it runs.", "--detach", "-d"));
            }, Lifecycle::run);

    private static int run(OciMain oci, Args args) throws InterruptedException {
        Creating c = Creating.of(args);
        String id = c.id();
        if (args.flag("--detach")) {
            oci.runtime().create(id, c.bundle(), c.spec(), c.options(false));
            oci.runtime().start(id);
            return OciMain.OK;
        }
        if (oci.runtime().list().contains(id)) {
            throw new ContainerStateException("container id " + id + " is already in use");
        }
        try {
            return oci.runtime().runForeground(id, c.bundle(), c.spec(), c.consoleSocket(),
                    c.pidFile());
        } finally {
            // runc's run removes what it made, however it ended.
            if (oci.runtime().list().contains(id)) {
                oci.runtime().delete(id, true);
            }
        }
    }

    static final Verb START = new Verb("start", "Let a created container exec its process.",
            Model::id, (oci, args) -> {
                oci.runtime().start(args.id());
                return OciMain.OK;
            });

    static final Verb KILL = new Verb("kill", "Send a signal (default TERM) to the process.",
            spec -> {
                spec.addOption(Model.flag("Signal every process in its cgroup.", "--all", "-a"));
                Model.id(spec);
                spec.addPositional(PositionalParamSpec.builder().index("1").arity("0..1")
                        .type(String.class).paramLabel("<signal>")
                        .description("TERM, SIGKILL, 9, ...").build());
            }, Lifecycle::kill);

    private static int kill(OciMain oci, Args args) {
        String id = args.id();
        int number = Signals.parse(args.parameter(1, "TERM"));
        RuntimeState state = oci.runtime().state(id);
        if (state.status() == Status.STOPPED) {
            throw new ContainerStateException("container " + id + " is not running");
        }
        if (args.flag("--all")) {
            for (long pid : oci.runtime().pids(id)) {
                io.berth.sys.Sys.linux().kill(pid, number);
            }
            return OciMain.OK;
        }
        if (!oci.runtime().kill(id, number)) {
            throw new ContainerStateException("container " + id + " is not running");
        }
        return OciMain.OK;
    }

    static final Verb DELETE = new Verb("delete",
            "Remove a container (running ones with --force).", spec -> {
                spec.addOption(Model.flag("Kill it first if it runs.", "--force", "-f"));
                Model.id(spec);
            }, (oci, args) -> {
                oci.runtime().delete(args.id(), args.flag("--force"));
                return OciMain.OK;
            });

    static final Verb PAUSE = new Verb("pause", "Freeze every process of the container.",
            Model::id, (oci, args) -> {
                oci.runtime().pause(args.id());
                return OciMain.OK;
            });

    static final Verb RESUME = new Verb("resume", "Thaw a paused container.", Model::id,
            (oci, args) -> {
                oci.runtime().resume(args.id());
                return OciMain.OK;
            });

    static final Verb EXEC = new Verb("exec", "Run a process in a running container.",
            Exec::options, (oci, args) -> new Exec(oci, args).call());

    /** exec: a process from --process or from flags and the words after the id. */
    private static final class Exec {
        private final OciMain oci;
        private final Args args;
        private final boolean detach;

        Exec(OciMain oci, Args args) {
            this.oci = oci;
            this.args = args;
            this.detach = args.flag("--detach");
        }

        static void options(CommandSpec spec) {
            spec.addOption(Model.path("process", "process.json: the whole process.",
                    "--process", "-p"));
            spec.addOption(Model.flag("A pty, sent to --console-socket.", "--tty", "-t"));
            spec.addOption(Model.path("consoleSocket", null, "--console-socket"));
            spec.addOption(Model.option(String.class, "cwd", null, "--cwd"));
            spec.addOption(Model.list(String.class, "env", "KEY=VALUE, added to the container's.",
                    "--env", "-e"));
            spec.addOption(Model.option(String.class, "user", "UID[:GID].", "--user", "-u"));
            spec.addOption(Model.list(Long.class, "additionalGids", null, "--additional-gids",
                    "-g"));
            spec.addOption(Model.flag(null, "--detach", "-d"));
            spec.addOption(Model.path("pidFile", null, "--pid-file"));
            spec.addOption(Model.flag(null, "--no-new-privs"));
            spec.addOption(Model.list(String.class, "caps", "Add a capability.", "--cap", "-c"));
            Model.id(spec);
            spec.addPositional(PositionalParamSpec.builder().index("1..*").arity("0..*")
                    .type(List.class).auxiliaryTypes(String.class).paramLabel("<command>")
                    .build());
        }

        int call() throws InterruptedException {
            Path process = args.option("--process", null);
            Path consoleSocket = args.option("--console-socket", null);
            ExecSpec spec = process != null ? fromProcessFile(process) : fromFlags();
            if (spec.tty() && consoleSocket == null) {
                throw new IllegalArgumentException("--tty needs --console-socket: it receives "
                        + "the pty master");
            }
            return oci.runtime().execInheriting(args.id(), spec, consoleSocket,
                    args.option("--pid-file", null));
        }

        private ExecSpec fromProcessFile(Path process) {
            Spec.Process p;
            try {
                p = SpecJson.readProcess(process);
            } catch (java.io.UncheckedIOException | io.berth.spec.InvalidSpecException e) {
                throw new IllegalArgumentException("read " + process + ": " + e.getMessage(), e);
            }
            if (p.args() == null || p.args().isEmpty()) {
                throw new IllegalArgumentException(process + ": args is empty");
            }
            Spec.User u = p.user();
            return new ExecSpec(p.args(), p.env(), p.cwd(), u == null ? null : u.uid(),
                    u == null ? null : u.gid(), u == null ? null : u.additionalGids(),
                    Boolean.TRUE.equals(p.terminal()), size(p, true), size(p, false), false,
                    p.capabilities(), p.noNewPrivileges(), detach, null);
        }

        private static int size(Spec.Process p, boolean rows) {
            Spec.ConsoleSize s = p.consoleSize();
            return s == null ? 0 : rows ? s.height() : s.width();
        }

        private ExecSpec fromFlags() {
            List<String> command = args.parameter(1, List.of());
            if (command.isEmpty()) {
                throw new IllegalArgumentException("exec needs a command, or --process");
            }
            Spec container = SpecJson.read(oci.runtime().state(args.id()).bundle()
                    .resolve("config.json"));
            List<String> allEnv = new ArrayList<>(container.process().env() == null
                    ? List.of() : container.process().env());
            allEnv.addAll(args.option("--env", List.of()));
            Long uid = null;
            Long gid = null;
            String user = args.option("--user", null);
            if (user != null) {
                String[] parts = user.split(":", 2);
                uid = Long.parseLong(parts[0]);
                gid = parts.length > 1 ? Long.parseLong(parts[1]) : uid;
            }
            return new ExecSpec(command, allEnv, args.option("--cwd", null), uid, gid,
                    args.option("--additional-gids", null), args.flag("--tty"), 0, 0, false,
                    withCaps(container.process().capabilities()),
                    args.flag("--no-new-privs") ? Boolean.TRUE : null, detach, null);
        }

        private Spec.Capabilities withCaps(Spec.Capabilities base) {
            List<String> caps = args.option("--cap", List.of());
            if (caps.isEmpty()) {
                return null;
            }
            Spec.Capabilities c = base == null ? new Spec.Capabilities(null, null, null, null,
                    null) : base;
            return new Spec.Capabilities(plus(c.bounding(), caps), plus(c.effective(), caps),
                    plus(c.inheritable(), caps), plus(c.permitted(), caps), c.ambient());
        }

        private static List<String> plus(List<String> names, List<String> caps) {
            List<String> all = new ArrayList<>(names == null ? List.of() : names);
            caps.stream().filter(c -> !all.contains(c)).forEach(all::add);
            return all;
        }
    }

    /** Signal names as kill(1) takes them, with or without SIG, or numbers. */
    static final class Signals {
        private static final Map<String, Integer> NUMBERS = Map.ofEntries(
                Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3),
                Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6),
                Map.entry("IOT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8),
                Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
                Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14),
                Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17),
                Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
                Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23),
                Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
                Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29),
                Map.entry("PWR", 30), Map.entry("SYS", 31));

        private Signals() {
        }

        static int parse(String text) {
            String name = text.toUpperCase(java.util.Locale.ROOT).replaceFirst("^SIG", "");
            if (name.matches("[0-9]+")) {
                int number = Integer.parseInt(name);
                if (number >= 1 && number <= 64) {
                    return number;
                }
            } else if (NUMBERS.containsKey(name)) {
                return NUMBERS.get(name);
            }
            throw new IllegalArgumentException("unknown signal \"" + text + "\"");
        }
    }
}
