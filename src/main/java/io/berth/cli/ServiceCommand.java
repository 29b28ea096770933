package io.berth.cli;

import io.berth.api.ApiService;
import io.berth.engine.EngineConfig;
import io.berth.runtime.OciRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `berth system service [unix://PATH]`: the Docker Engine API on a Unix socket. */
@Command(name = "service", description = "Serve the Docker Engine API on a Unix socket.")
final class ServiceCommand implements Callable<Integer> {
    static final String DEFAULT_ADDRESS = "unix:///run/berth/docker.sock";

    @ParentCommand
    Group group;

    @Parameters(index = "0", arity = "0..1", paramLabel = "unix://PATH",
            description = "Where to listen (default " + DEFAULT_ADDRESS + ").")
    String address = DEFAULT_ADDRESS;

    @Override
    public Integer call() throws InterruptedException {
        Main main = group.main;
        Path socket = socketPath(address);
        EngineConfig.Bridge bridge = main.bridgeName == null ? null
                : new EngineConfig.Bridge(main.bridgeName, main.bridgeSubnet);
        EngineConfig config = new EngineConfig(main.root.toAbsolutePath().normalize(),
                main.runroot.toAbsolutePath().normalize(), OciRuntime.defaultShim(), bridge);
        // One service per runroot: a second would follow the same containers' exits and take
        // over the first one's command socket.
        Path commandSocket = config.runroot().resolve(Forward.SOCKET_NAME);
        try {
            ApiService.refuseLiveSocket(commandSocket);
        } catch (IOException e) {
            throw new ExitCodes.UserError("another service already serves the runroot "
                    + config.runroot() + " (it answers on " + commandSocket + ")");
        }
        // SIGTERM and SIGINT run the hook: the sockets close, containers keep running. A signal
        // while the service starts waits for the start, so that it leaves no socket behind.
        AtomicReference<ApiService> service = new AtomicReference<>();
        AtomicReference<CommandServer> commands = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            awaitStart(started);
            Optional.ofNullable(commands.getAndSet(null)).ifPresent(CommandServer::close);
            Optional.ofNullable(service.getAndSet(null)).ifPresent(ApiService::close);
            stopped.countDown();
        }, "api-stop"));
        try {
            service.set(ApiService.start(config, socket, Main.VERSION));
            commands.set(CommandServer.start(config));
        } catch (RuntimeException e) {
            Optional.ofNullable(service.getAndSet(null)).ifPresent(ApiService::close);
            throw e;
        } finally {
            started.countDown();
        }
        System.err.println("berth: serving the Docker API on unix://" + socket
                + " and berth's own commands on " + commands.get().socket());
        stopped.await();
        return 0;
    }

    private static void awaitStart(CountDownLatch started) {
        try {
            started.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Path socketPath(String address) {
        if (address.startsWith("unix://")) {
            return Path.of(address.substring("unix://".length()));
        }
        if (address.startsWith("tcp://")) {
            throw new ExitCodes.UserError("tcp:// needs TLS, which the service does not offer "
                    + "yet; use unix://PATH");
        }
        if (address.contains("://")) {
            throw new ExitCodes.UserError("unsupported address " + address + "; use unix://PATH");
        }
        return Path.of(address);
    }

    /** `berth system`: the service and prune. */
    @Command(name = "system", description = "Manage Berth.",
            subcommands = {ServiceCommand.class, SystemCommands.Prune.class})
    static final class Group {
        @ParentCommand
        Main main;
    }
}
