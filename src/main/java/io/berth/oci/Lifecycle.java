package io.berth.oci;

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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands that change a container: create, start, run, kill, delete, pause, exec. */
final class Lifecycle {

    private Lifecycle() {
    }

    /** What create and run share: the bundle, the pid file, the console socket. */
    abstract static class Creating {
        @ParentCommand
        OciMain oci;

        @Option(names = {"--bundle", "-b"}, description = "The bundle (default: this folder).")
        Path bundle = Path.of(".");

        @Option(names = "--pid-file", description = "Write the process's pid here.")
        Path pidFile;

        @Option(names = "--console-socket",
                description = "Unix socket that receives the pty master (process.terminal).")
        Path consoleSocket;

        @Option(names = "--no-pivot", description = "Accepted; Berth always pivots.")
        boolean noPivot;

        @Option(names = "--no-new-keyring", description = "Accepted; no keyring is made.")
        boolean noNewKeyring;

        @Option(names = "--preserve-fds", description = "Accepted; must be 0.")
        int preserveFds;

        @Parameters(index = "0", description = "The container id.")
        String id;

        /** runc's rule: a pty needs somewhere to go, since the caller is not watching. */
        void checkTerminal() {
            Spec spec = SpecJson.read(bundle.resolve("config.json"));
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
    }

    @Command(name = "create", description = "Create a container that waits for start.")
    static final class Create extends Creating implements Callable<Integer> {
        @Override
        public Integer call() {
            checkTerminal();
            oci.runtime().create(id, bundle, CreateOptions.inheriting(
                    new InheritedStdio(consoleSocket, false), pidFile));
            return OciMain.OK;
        }
    }

    @Command(name = "run", description = "Create and start a container, and wait for it.")
    static final class Run extends Creating implements Callable<Integer> {
        @Option(names = {"--detach", "-d"}, description = "Return once it runs.")
        boolean detach;

        @Override
        public Integer call() throws InterruptedException {
            checkTerminal();
            if (detach) {
                oci.runtime().create(id, bundle, CreateOptions.inheriting(
                        new InheritedStdio(consoleSocket, false), pidFile));
                oci.runtime().start(id);
                return OciMain.OK;
            }
            if (oci.runtime().list().contains(id)) {
                throw new ContainerStateException("container id " + id + " is already in use");
            }
            try {
                return oci.runtime().runForeground(id, bundle, consoleSocket, pidFile);
            } finally {
                // runc's run removes what it made, however it ended.
                if (oci.runtime().list().contains(id)) {
                    oci.runtime().delete(id, true);
                }
            }
        }
    }

    @Command(name = "start", description = "Let a created container exec its process.")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @Parameters(index = "0")
        String id;

        @Override
        public Integer call() {
            oci.runtime().start(id);
            return OciMain.OK;
        }
    }

    @Command(name = "kill", description = "Send a signal (default TERM) to the process.")
    static final class Kill implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @Option(names = {"--all", "-a"}, description = "Signal every process in its cgroup.")
        boolean all;

        @Parameters(index = "0")
        String id;

        @Parameters(index = "1", arity = "0..1", description = "TERM, SIGKILL, 9, ...")
        String signal = "TERM";

        @Override
        public Integer call() {
            int number = Signals.parse(signal);
            RuntimeState state = oci.runtime().state(id);
            if (state.status() == Status.STOPPED) {
                throw new ContainerStateException("container " + id + " is not running");
            }
            if (all) {
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
    }

    @Command(name = "delete", description = "Remove a container (running ones with --force).")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @Option(names = {"--force", "-f"}, description = "Kill it first if it runs.")
        boolean force;

        @Parameters(index = "0")
        String id;

        @Override
        public Integer call() {
            oci.runtime().delete(id, force);
            return OciMain.OK;
        }
    }

    @Command(name = "pause", description = "Freeze every process of the container.")
    static final class Pause implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @Parameters(index = "0")
        String id;

        @Override
        public Integer call() {
            oci.runtime().pause(id);
            return OciMain.OK;
        }
    }

    @Command(name = "resume", description = "Thaw a paused container.")
    static final class Resume implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @Parameters(index = "0")
        String id;

        @Override
        public Integer call() {
            oci.runtime().resume(id);
            return OciMain.OK;
        }
    }

    @Command(name = "exec", description = "Run a process in a running container.")
    static final class Exec implements Callable<Integer> {
        @ParentCommand
        OciMain oci;

        @Option(names = {"--process", "-p"}, description = "process.json: the whole process.")
        Path process;

        @Option(names = {"--tty", "-t"}, description = "A pty, sent to --console-socket.")
        boolean tty;

        @Option(names = "--console-socket")
        Path consoleSocket;

        @Option(names = "--cwd")
        String cwd;

        @Option(names = {"--env", "-e"}, description = "KEY=VALUE, added to the container's.")
        List<String> env = new ArrayList<>();

        @Option(names = {"--user", "-u"}, description = "UID[:GID].")
        String user;

        @Option(names = {"--additional-gids", "-g"})
        List<Long> additionalGids;

        @Option(names = {"--detach", "-d"})
        boolean detach;

        @Option(names = "--pid-file")
        Path pidFile;

        @Option(names = "--no-new-privs")
        boolean noNewPrivs;

        @Option(names = {"--cap", "-c"}, description = "Add a capability.")
        List<String> caps = new ArrayList<>();

        @Parameters(index = "0")
        String id;

        @Parameters(index = "1..*", arity = "0..*")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() throws InterruptedException {
            ExecSpec spec = process != null ? fromProcessFile() : fromFlags();
            if (spec.tty() && consoleSocket == null) {
                throw new IllegalArgumentException("--tty needs --console-socket: it receives "
                        + "the pty master");
            }
            return oci.runtime().execInheriting(id, spec, consoleSocket, pidFile);
        }

        private ExecSpec fromProcessFile() {
            Spec.Process p;
            try {
                p = SpecJson.mapper().readValue(process.toFile(), Spec.Process.class);
            } catch (java.io.IOException e) {
                String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException json
                        ? SpecJson.problem(json) : e.getMessage();
                throw new IllegalArgumentException("read " + process + ": " + why, e);
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
            if (command.isEmpty()) {
                throw new IllegalArgumentException("exec needs a command, or --process");
            }
            Spec container = SpecJson.read(oci.runtime().state(id).bundle()
                    .resolve("config.json"));
            List<String> allEnv = new ArrayList<>(container.process().env() == null
                    ? List.of() : container.process().env());
            allEnv.addAll(env);
            Long uid = null;
            Long gid = null;
            if (user != null) {
                String[] parts = user.split(":", 2);
                uid = Long.parseLong(parts[0]);
                gid = parts.length > 1 ? Long.parseLong(parts[1]) : uid;
            }
            return new ExecSpec(command, allEnv, cwd, uid, gid, additionalGids, tty, 0, 0, false,
                    withCaps(container.process().capabilities()),
                    noNewPrivs ? Boolean.TRUE : null, detach, null);
        }

        private Spec.Capabilities withCaps(Spec.Capabilities base) {
            if (caps.isEmpty()) {
                return null;
            }
            Spec.Capabilities c = base == null ? new Spec.Capabilities(null, null, null, null,
                    null) : base;
            return new Spec.Capabilities(plus(c.bounding()), plus(c.effective()),
                    plus(c.inheritable()), plus(c.permitted()), c.ambient());
        }

        private List<String> plus(List<String> names) {
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
