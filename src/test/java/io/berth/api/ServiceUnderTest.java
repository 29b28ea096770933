package io.berth.api;

import io.berth.engine.EngineConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The API service on a socket, root and bridge of a test's own, and the real docker CLI
 * pointed at it. Closing removes every container, the bridge, the mounts and the folder.
 */
final class ServiceUnderTest implements AutoCloseable {
    static final Path DOCKER = Path.of("/usr/local/bin/docker");

    /** What one docker command printed and returned. */
    record Result(int code, String out, String err) {
        String line() {
            return out.strip();
        }
    }

    final Path dir;
    final Path socket;
    final EngineConfig config;
    private final String bridge;
    private ApiService service;

    ServiceUnderTest() {
        try {
            // Short: a socket path must fit in 108 bytes.
            String name = "ba" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
            dir = Files.createDirectory(Path.of("/tmp", name), PosixFilePermissions
                    .asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            bridge = name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        socket = dir.resolve("d.sock");
        String subnet = "10.80." + Math.floorMod(bridge.hashCode(), 250) + ".0/24";
        config = new EngineConfig(dir.resolve("root"), dir.resolve("run"),
                Path.of(System.getProperty("berth.shim")), new EngineConfig.Bridge(bridge,
                        subnet));
        start();
    }

    /** A service on a fresh root with the busybox fixture loaded through the docker CLI. */
    static ServiceUnderTest withBusybox() {
        ServiceUnderTest service = new ServiceUnderTest();
        Result load = service.docker("load", "-i", fixtures().resolve("busybox-docker-archive.tar")
                .toString());
        if (load.code() != 0) {
            throw new IllegalStateException("docker load of the busybox fixture: " + load.err());
        }
        return service;
    }

    static Path fixtures() {
        return Path.of(System.getProperty("berth.fixtures", "../shared/fixtures"));
    }

    void start() {
        service = ApiService.start(config, socket, "0.1.0-test");
    }

    /** Stops the service as SIGTERM would; containers keep running. */
    void stop() {
        service.close();
    }

    /** Runs the docker CLI against this service, stdin empty unless given. */
    Result docker(String... args) {
        return dockerWithInput(null, args);
    }

    Result dockerWithInput(byte[] stdin, String... args) {
        return dockerOn(socket, stdin, args);
    }

    /** Runs the docker CLI against a service on another socket. */
    Result dockerOn(Path serviceSocket, byte[] stdin, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(DOCKER.toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        env.put("DOCKER_HOST", "unix://" + serviceSocket);
        env.put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        env.remove("DOCKER_API_VERSION");
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            var out = readAsync(p.getInputStream());
            var err = readAsync(p.getErrorStream());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("docker " + args[0] + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.concurrent.Future<String> readAsync(InputStream in) {
        java.util.concurrent.CompletableFuture<String> f =
                new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Sends raw bytes on a fresh connection and reads until the service closes it. */
    String raw(String request) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ch.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mount points below this test's folder. */
    List<String> mounts() {
        try {
            List<String> found = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4];
                if (mountPoint.startsWith(dir.toString())) {
                    found.add(mountPoint);
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        Result ids = docker("ps", "-a", "-q", "--no-trunc");
        for (String id : ids.out().split("\\s+")) {
            if (!id.isBlank()) {
                docker("rm", "-f", id);
            }
        }
        service.close();
        awaitExitCommands();
        if (Files.exists(Path.of("/sys/class/net", bridge))) {
            exec("ip", "link", "delete", bridge);
        }
        List<String> left = mounts();
        for (int i = left.size() - 1; i >= 0; i--) {
            exec("umount", "-l", left.get(i));
        }
        if (mounts().isEmpty()) {
            try (var walk = Files.walk(dir)) {
                walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Monitors run berth's container-cleanup as their containers exit; one still starting
     * would make the root again after the folder is gone. Waits for them, 20 s at most.
     */
    private void awaitExitCommands() {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && !processesMentioning(dir.toString()).isEmpty()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Processes other than this one whose command line names the text. */
    static List<Long> processesMentioning(String text) {
        List<Long> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.matches("[0-9]+") || Long.parseLong(name) == self) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")),
                            StandardCharsets.UTF_8);
                    if (cmdline.contains(text)) {
                        found.add(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // Gone meanwhile.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    static void exec(String... argv) {
        try {
            new ProcessBuilder(argv).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
