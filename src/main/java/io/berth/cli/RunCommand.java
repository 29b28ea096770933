package io.berth.cli;

import io.berth.engine.Container;
import io.berth.engine.Engine;
import io.berth.runtime.Attachment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
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
        Container created = engine.create(flags.toRequest());
        if (detach) {
            startOrRemove(engine, created, false);
            System.out.println(created.id());
            return 0;
        }
        Engine.Started started = startOrRemove(engine, created, true);
        try (Attachment attachment = started.attachment()) {
            if (flags.interactive) {
                pumpStdin(attachment.stdin());
            } else {
                attachment.stdin().close();
            }
            Streams.demux(attachment.output(), System.out, System.err);
        }
        // With --rm the engine removes the container as it records the exit.
        return engine.await(created.id());
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
            System.out.println(main.engine().create(flags.toRequest()).id());
            return 0;
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
