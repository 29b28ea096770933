package io.berth.cli;

import io.berth.engine.ConflictException;
import io.berth.engine.Engine;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** start, stop, restart, kill, rm and wait: docker's verbs on existing containers. */
final class LifecycleCommands {
    private LifecycleCommands() {
    }

    /** Runs an action on each named container as docker does: errors printed, exit 1 at end. */
    interface EachContainer {
        void apply(String container) throws Exception;
    }

    /** An engine refusal that docker prints in its daemon's words (pause of a paused one). */
    static final class DaemonRefusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DaemonRefusal(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    static int forEach(List<String> containers, EachContainer action) throws Exception {
        int code = 0;
        for (String c : containers) {
            try {
                action.apply(c);
            } catch (InterruptedException e) {
                throw e;
            } catch (DaemonRefusal e) {
                System.err.println(ExitCodes.DAEMON + e.getMessage());
                code = ExitCodes.FAILURE;
            } catch (RuntimeException e) {
                System.err.println("Error: " + e.getMessage());
                code = ExitCodes.FAILURE;
            }
        }
        return code;
    }

    @Command(name = "start", description = "Start one or more stopped containers.")
    static final class Start implements Callable<Integer>, ExitCodes.RunLike {
        @ParentCommand
        Main main;

        @Option(names = {"-a", "--attach"}, description = "Attach STDOUT/STDERR, forward signals.")
        boolean attach;

        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        @Override
        public Integer call() throws Exception {
            Engine engine = main.engine();
            if (attach) {
                if (containers.size() > 1) {
                    throw new ExitCodes.UserError(
                            "you cannot start and attach multiple containers at once");
                }
                Engine.Started started = engine.start(containers.get(0), true);
                if (RunCommand.follow(started.attachment(), false, false, (r, c) -> { })) {
                    return 0;
                }
                return engine.await(started.container().id());
            }
            return forEach(containers, c -> {
                engine.start(c);
                System.out.println(c);
            });
        }
    }

    /** What stop and restart both take: -t, -s and the containers. */
    static final class StopFlags {
        @Option(names = {"-t", "--time"}, description = "Seconds to wait before killing it.")
        Integer time;

        @Option(names = {"-s", "--signal"}, description = "Signal to send to the container.")
        String signal;

        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        /** A stop of one container: how long it waits before KILL, and the signal to send. */
        interface Stopping {
            void apply(Engine engine, String container, Duration wait, String signal)
                    throws InterruptedException;
        }

        /** Each container stopped (or restarted) in turn, its name printed as docker does. */
        int forEach(Engine engine, Stopping stopping) throws Exception {
            return LifecycleCommands.forEach(containers, c -> {
                stopping.apply(engine, c, stopWait(engine, c, time), signal);
                System.out.println(c);
            });
        }
    }

    @Command(name = "stop", description = "Stop one or more running containers.")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Mixin
        StopFlags flags;

        @Override
        public Integer call() throws Exception {
            return flags.forEach(main.engine(), Engine::stop);
        }
    }

    /** Seconds a stop waits before KILL: -t, else the container's --stop-timeout, else 10. */
    static Duration stopWait(Engine engine, String container, Integer time) {
        Integer configured = engine.get(container).request().stopTimeout();
        int seconds = time != null ? time : configured != null ? configured : 10;
        return Duration.ofSeconds(Math.max(0, seconds));
    }

    /** `berth restart` and `berth container restart`. */
    @Command(name = "restart", description = "Restart one or more containers.")
    static final class Restart implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StopFlags flags;

        @Override
        public Integer call() throws Exception {
            return flags.forEach(Main.of(spec).engine(), Engine::restart);
        }
    }

    @Command(name = "kill", description = "Kill one or more running containers.")
    static final class Kill implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-s", "--signal"}, description = "Signal to send (default KILL).")
        String signal = "KILL";

        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        @Override
        public Integer call() throws Exception {
            Engine engine = main.engine();
            return forEach(containers, c -> {
                engine.kill(c, signal);
                System.out.println(c);
            });
        }
    }

    @Command(name = "rm", description = "Remove one or more containers.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = {"-f", "--force"},
                description = "Force the removal of a running container.")
        boolean force;

        @Option(names = {"-v", "--volumes"},
                description = "Remove anonymous volumes associated with the container.")
        boolean volumes;

        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        @Override
        public Integer call() throws Exception {
            Engine engine = main.engine();
            return forEach(containers, c -> {
                engine.remove(c, force, volumes);
                System.out.println(c);
            });
        }
    }

    @Command(name = "wait", description = "Block until containers stop, then print exit codes.")
    static final class Wait implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        @Override
        public Integer call() throws Exception {
            Engine engine = main.engine();
            return forEach(containers, c -> System.out.println(engine.await(c)));
        }
    }

    /** Run by the shim when a container exits: records it and releases what it held. */
    @Command(name = "container-cleanup", hidden = true,
            description = "Finish a container that has exited (run by its monitor).")
    static final class Cleanup implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws InterruptedException {
            // A container removed meanwhile (rm -f, or a test's whole root) has nothing left
            // to clean, and opening an engine on a deleted root would create it again.
            if (!Files.exists(main.root.resolve("containers").resolve(id))
                    && !Files.exists(main.runroot.resolve("runtime").resolve(id))) {
                return 0;
            }
            main.engine().cleanup(id);
            return 0;
        }
    }

    @Command(name = "pause", description = "Pause all processes within one or more containers.")
    static final class Pause implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        @Override
        public Integer call() throws Exception {
            return forEach(containers, c -> {
                try {
                    main.engine().pause(c);
                } catch (ConflictException e) {
                    throw new DaemonRefusal(e);
                }
                System.out.println(c);
            });
        }
    }

    @Command(name = "unpause", description = "Unpause all processes within one or more containers.")
    static final class Unpause implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        @Override
        public Integer call() throws Exception {
            return forEach(containers, c -> {
                main.engine().unpause(c);
                System.out.println(c);
            });
        }
    }
}
