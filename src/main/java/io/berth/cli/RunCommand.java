package io.berth.cli;

import io.berth.convert.ContainerRequest;
import io.berth.engine.Container;
import io.berth.engine.Engine;
import io.berth.runtime.Attachment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `berth run`: create and start a container, and follow it unless detached. */
@Command(name = "run", description = "Create and run a new container from an image.")
final class RunCommand implements Callable<Integer>, ExitCodes.RunLike {
    @ParentCommand
    Main main;

    @Mixin
    CreateFlags flags;

    @Option(names = {"-d", "--detach"}, description = "Run in the background; print the id.")
    boolean detach;

    @Override
    public Integer call() throws Exception {
        Engine engine = main.engine();
        ContainerRequest request = flags.toRequest();
        Container created = engine.create(request);
        warn(request);
        if (detach) {
            startOrRemove(engine, created, false);
            System.out.println(created.id());
            return 0;
        }
        if (flags.tty && flags.interactive && !Terminal.available()) {
            engine.remove(created.id(), true);
            throw new ExitCodes.UserError("the input device is not a TTY");
        }
        Engine.Started started = startOrRemove(engine, created, true);
        // With a terminal, ^C reaches the container through it; without one, as a signal.
        try (SignalProxy proxy = flags.tty ? null
                : SignalProxy.to(started.container().pid())) {
            if (follow(started.attachment(), flags.tty, flags.interactive,
                    (rows, columns) -> engine.resize(created.id(), rows, columns))) {
                return 0;
            }
            // With --rm the engine removes the container as it records the exit.
            return engine.await(created.id());
        }
    }

    /**
     * Streams a container's output to ours and, when interactive, our input to it; with a
     * terminal in raw mode and its size followed. Returns true when the user detached.
     */
    static boolean follow(Attachment attachment, boolean tty, boolean interactive,
            BiConsumer<Integer, Integer> resize) throws IOException {
        try (attachment) {
            if (!(tty && interactive)) {
                if (interactive) {
                    pumpStdin(attachment.stdin());
                } else {
                    attachment.stdin().close();
                }
                Streams.demux(attachment.output(), System.out, System.err);
                return false;
            }
            try (Terminal terminal = Terminal.raw()) {
                Terminal.followSize(resize);
                boolean[] detached = {false};
                Thread keys = new Thread(() -> {
                    try {
                        detached[0] = Terminal.pumpKeys(System.in, attachment.stdin());
                        if (detached[0]) {
                            attachment.close();
                        } else {
                            attachment.stdin().close();
                        }
                    } catch (IOException e) {
                        // The container is gone: its end of the terminal is closed.
                    }
                }, "keys");
                keys.setDaemon(true);
                keys.start();
                try {
                    Streams.demux(attachment.output(), System.out, System.err);
                } catch (IOException e) {
                    if (!detached[0]) {
                        throw e;
                    }
                }
                return detached[0];
            }
        }
    }

    /** A container that `run` made and could not start is removed: nothing is left behind. */
    private static Engine.Started startOrRemove(Engine engine, Container c, boolean attach)
            throws InterruptedException {
        try {
            return engine.start(c.id(), attach);
        } catch (RuntimeException e) {
            engine.remove(c.id(), true);
            throw e;
        }
    }

    static void pumpStdin(OutputStream stdin) {
        Thread pump = new Thread(() -> {
            try (stdin) {
                System.in.transferTo(stdin);
            } catch (IOException e) {
                // The container stopped reading: its end of stdin is closed.
            }
        }, "stdin");
        pump.setDaemon(true);
        pump.start();
    }

    /** `berth create`: a container with a name and a root, not started. */
    @Command(name = "create", description = "Create a new container.")
    static final class Create implements Callable<Integer>, ExitCodes.RunLike {
        @ParentCommand
        Main main;

        @Mixin
        CreateFlags flags;

        @Override
        public Integer call() {
            ContainerRequest request = flags.toRequest();
            Container created = main.engine().create(request);
            warn(request);
            System.out.println(created.id());
            return 0;
        }
    }

    /** docker prints the create's warnings to stderr, and goes on. */
    static void warn(ContainerRequest request) {
        for (String warning : Engine.warnings(request)) {
            System.err.println("WARNING: " + warning);
        }
    }

    /** Copies the attach stream's frames to stdout and stderr. */
    static final class Streams {
        private Streams() {
        }

        static void demux(InputStream in, PrintStream out, PrintStream err) throws IOException {
            byte[] header = new byte[8];
            byte[] buffer = new byte[32 * 1024];
            while (in.readNBytes(header, 0, 8) == 8) {
                int size = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16)
                        | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
                PrintStream target = header[0] == 2 ? err : out;
                while (size > 0) {
                    int n = in.read(buffer, 0, Math.min(size, buffer.length));
                    if (n < 0) {
                        return;
                    }
                    target.write(buffer, 0, n);
                    size -= n;
                }
                target.flush();
            }
        }
    }
}
