package io.berth.api;

import io.berth.engine.Container;
import io.berth.engine.EngineConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Docker Engine API on a Unix socket, over the same engine the CLI uses, so that a user
 * sets {@code DOCKER_HOST=unix:///run/berth/docker.sock} and keeps their tools.
 *
 * <p>HTTP runs on the JDK's own Unix-domain channels, one virtual thread per connection: the
 * engine's calls block (attach streams, waits), and blocking I/O on a thread of its own lets
 * docker's hijacked connections and half-closes be handled as plain streams.
 */
public final class ApiService implements AutoCloseable {
    private final Path socket;
    /** The folders above the socket that this service made, deepest first. */
    private final List<Path> madeFolders;
    private final ServerSocketChannel server;
    private final EnginePool pool;
    private final Exits exits;
    private final Router router = new Router();
    private final String serverHeader;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private ApiService(Path socket, List<Path> madeFolders, ServerSocketChannel server,
            EngineConfig config, String version) {
        this.socket = socket;
        this.madeFolders = madeFolders;
        this.server = server;
        // The service follows every exit itself (Exits), as dockerd does: a monitor's exit
        // command would start one more process, often a JVM, per container for nothing.
        this.pool = new EnginePool(config.asResident());
        Events events = new Events();
        this.exits = new Exits(pool, events);
        this.serverHeader = "Berth/" + version + " (linux)";
        PendingAttaches attaches = new PendingAttaches();
        new SystemRoutes(pool, version).register(router);
        new ContainerRoutes(pool, exits, attaches, events).register(router);
        new StreamRoutes(pool, exits, attaches).register(router);
        new UsageRoutes(pool).register(router);
        new ImageRoutes(pool, events).register(router);
        new ExecRoutes(pool).register(router);
        new ArchiveRoutes(pool).register(router);
        new NetworkRoutes(pool, events).register(router);
        new VolumeRoutes(pool, events).register(router);
        new EventRoutes(events).register(router);
        this.acceptor = Thread.ofPlatform().name("api-accept").daemon(true)
                .unstarted(this::acceptLoop);
    }

    /**
     * Listens on {@code socket} (mode 0600: root only, as the engine is root) and serves until
     * closed. Containers already running are followed again, so their exits are recorded and
     * their AutoRemove honoured by this service; those that exited meanwhile are started again
     * when their restart policy asks for it. The containers this service starts run no exit
     * command: while no service runs, their exits wait for the next one (or any CLI call that
     * lists them) to be finished. The folders it makes for the socket are removed again when
     * it closes or fails to start, if nothing else was put in them.
     *
     * @param version Berth's version, shown by `docker version`
     */
    public static ApiService start(EngineConfig config, Path socket, String version) {
        List<Path> made = makeFolders(socket.toAbsolutePath().normalize().getParent(), config);
        ServerSocketChannel server;
        try {
            server = bind(socket);
        } catch (RuntimeException e) {
            removeFolders(made);
            throw e;
        }
        ApiService service;
        try {
            service = new ApiService(socket, made, server, config, version);
        } catch (RuntimeException e) {
            closeQuietly(server);
            deleteSocket(socket);
            removeFolders(made);
            throw e;
        }
        try {
            service.followRunning();
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        service.acceptor.start();
        return service;
    }

    /**
     * Makes the folder and those above it that are missing, and returns the ones made here,
     * deepest first. One that appears meanwhile is someone else's; the engine's own root and
     * runroot, and the folders above them, are the engine's, which keeps them.
     */
    private static List<Path> makeFolders(Path folder, EngineConfig config) {
        List<Path> missing = new ArrayList<>();
        for (Path f = folder; f != null && !Files.isDirectory(f); f = f.getParent()) {
            missing.add(f);
        }
        List<Path> made = new ArrayList<>();
        try {
            for (Path f : missing.reversed()) {
                try {
                    Files.createDirectory(f);
                    if (!engineOwns(config, f)) {
                        made.addFirst(f);
                    }
                } catch (FileAlreadyExistsException e) {
                    // Made by someone else meanwhile, or not a folder: bind says which.
                }
            }
        } catch (IOException e) {
            removeFolders(made);
            throw new UncheckedIOException("make the socket's folder " + folder, e);
        }
        return made;
    }

    private static boolean engineOwns(EngineConfig config, Path folder) {
        return config.runroot().toAbsolutePath().normalize().startsWith(folder)
                || config.root().toAbsolutePath().normalize().startsWith(folder);
    }

    /** Removes the folders, deepest first, and stops at the first that is not empty. */
    private static void removeFolders(List<Path> folders) {
        for (Path f : folders) {
            try {
                Files.delete(f);
            } catch (IOException e) {
                return; // something else lives there now, so it and those above it stay
            }
        }
    }

    private static ServerSocketChannel bind(Path socket) {
        try {
            refuseLiveSocket(socket);
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), 128);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("listen on " + socket, e);
        }
    }

    /**
     * A socket file another service still answers on is not taken over.
     *
     * @throws IOException when a connection to socket succeeds
     */
    public static void refuseLiveSocket(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return;
        }
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
        } catch (IOException e) {
            return; // Nobody answers: a stale file left by a service that died.
        }
        throw new IOException("another service is listening on " + socket);
    }

    private void followRunning() {
        try {
            for (Container c : pool.with(e -> e.list(true))) {
                if (c.running()) {
                    exits.follow(c);
                } else {
                    exits.restartIfDue(c);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("list containers", e);
        }
    }

    /** Where the service listens. */
    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (AsynchronousCloseException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            connections.add(channel);
            HttpConnection connection = new HttpConnection(channel, this::dispatch,
                    serverHeader);
            Thread.ofVirtual().name("api-conn").start(() -> {
                try {
                    connection.run();
                } finally {
                    connections.remove(channel);
                }
            });
        }
    }

    private void dispatch(HttpExchange ex) {
        HttpRequest req = ex.request();
        try {
            checkVersion(req.version());
            Router.Matched matched = router.find(req);
            if (matched == null || matched.handler() == null) {
                throw new ApiException(404, "page not found");
            }
            matched.handler().handle(ex, matched.path());
        } catch (Exception e) {
            if (!ex.committed()) {
                ex.error(ApiErrors.status(e), ApiErrors.message(e));
            }
        }
    }

    /** Testcontainers depends on this 400: above it, it falls back to an older version. */
    private static void checkVersion(ApiVersion v) {
        if (v.compareTo(ApiVersion.MAX) > 0) {
            throw new ApiException(400, "client version " + v + " is too new. Maximum "
                    + "supported API version is " + ApiVersion.MAX);
        }
        if (v.compareTo(ApiVersion.MIN) < 0) {
            throw new ApiException(400, "client version " + v + " is too old. Minimum "
                    + "supported API version is " + ApiVersion.MIN
                    + ", please upgrade your client to a newer version");
        }
    }

    /**
     * Stops listening and drops every connection. Containers keep running: they are the
     * monitors' children, and a later service finds them again.
     */
    @Override
    public void close() {
        closeQuietly(server);
        connections.forEach(c -> {
            try {
                c.close();
            } catch (IOException e) {
                // Already gone.
            }
        });
        exits.close();
        pool.close();
        deleteSocket(socket);
        removeFolders(madeFolders);
    }

    private static void closeQuietly(ServerSocketChannel server) {
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    private static void deleteSocket(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // A stale socket file is replaced by the next service.
        }
    }
}
