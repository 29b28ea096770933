package io.berth.image;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry, started by a test on 127.0.0.1 with a free port, its storage and
 * config in the test's folder, and stopped by its pid afterwards. Seeded with skopeo.
 */
public final class LocalRegistry implements AutoCloseable {
    /** A user for the htpasswd registry; the hash below is bcrypt of PASSWORD. */
    public static final String USER = "berth";
    public static final String PASSWORD = "hunter2-berth";
    private static final String HTPASSWD =
            "berth:$2b$05$S5amXM9QfNP92rQCkYLb0.HjD/rZ2/50WnhBfBOa/8W2EJHlAdbfu\n";

    private final Process process;
    private final int port;
    private final Path dir;

    private LocalRegistry(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** An open registry. */
    public static LocalRegistry open(Path dir) throws Exception {
        return start(dir, "");
    }

    /** A registry that asks for basic authentication of {@link #USER}. */
    public static LocalRegistry withPassword(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("htpasswd"), HTPASSWD);
        return start(dir, """
                auth:
                  htpasswd:
                    realm: berth-test
                    path: %s
                """.formatted(dir.resolve("htpasswd")));
    }

    /** A registry that asks for bearer tokens signed by {@code certificate}'s key. */
    public static LocalRegistry withTokens(Path dir, String realm, Path certificate)
            throws Exception {
        return start(dir, """
                auth:
                  token:
                    realm: %s
                    service: berth-registry
                    issuer: berth-test-issuer
                    rootcertbundle: %s
                """.formatted(realm, certificate));
    }

    /**
     * A registry serving TLS only, with a certificate for 127.0.0.1 that openssl makes at
     * {@code dir/cert.pem}.
     */
    public static LocalRegistry withTls(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()));
        return start(dir, """
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(cert, key));
    }

    private static LocalRegistry start(Path dir, String auth) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: error
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("data"), port) + auth);
        Process process = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(process, port, dir);
        registry.awaitListening();
        return registry;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening() throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: "
                        + Files.readString(dir.resolve("log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
                return;
            } catch (IOException e) {
                Thread.sleep(25);
            }
        }
        throw new IllegalStateException("docker-registry did not listen on " + port);
    }

    /** host:port, as references name it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Copies an OCI layout's {@code latest} into {@code name} (path:tag) with skopeo. */
    public void seed(Path layout, String name, String... credentials) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "copy", "-q",
                "--dest-tls-verify=false"));
        if (credentials.length > 0) {
            command.addAll(List.of("--dest-creds", credentials[0]));
        }
        command.addAll(List.of("oci:" + layout + ":latest", "docker://" + address() + "/" + name));
        run(command);
    }

    /** skopeo's view of an image in the registry: {@code skopeo inspect} or {@code --raw}. */
    public String skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(args));
        return run(command);
    }

    public static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** Stops the registry this test started, by its own process handle. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
