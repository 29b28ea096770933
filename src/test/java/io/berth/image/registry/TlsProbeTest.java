package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.LocalRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ClientHello probe against docker-registry on 127.0.0.1, with and without TLS. */
class TlsProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("berth-probe-test-");
    }

    @AfterEach
    void tearDown() throws Exception {
        LocalRegistry.run(List.of("rm", "-rf", dir.toString()));
    }

    @Test
    void aRegistryServingTlsIsSeenToSpeakIt() throws Exception {
        LocalRegistry registry = LocalRegistry.withTls(dir.resolve("registry"));
        try {
            assertTrue(TlsProbe.speaksTls(registry.address(), TIMEOUT));
        } finally {
            registry.close();
        }
    }

    @Test
    void aRegistryServingPlainHttpIsSeenNotToSpeakTls() throws Exception {
        LocalRegistry registry = LocalRegistry.open(dir.resolve("registry"));
        try {
            assertFalse(TlsProbe.speaksTls(registry.address(), TIMEOUT));
        } finally {
            registry.close();
        }
    }

    @Test
    void aPortNobodyListensOnIsAnError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        int closed = port;
        assertThrows(IOException.class, () -> TlsProbe.speaksTls("127.0.0.1:" + closed, TIMEOUT));
    }

    @Test
    void theHelloIsOneHandshakeRecordOfItsStatedLength() {
        byte[] hello = TlsProbe.clientHello("registry.example");

        assertTrue(hello[0] == 0x16 && hello[5] == 1, "a handshake record holding a ClientHello");
        int recordLength = ((hello[3] & 0xff) << 8) | (hello[4] & 0xff);
        int helloLength = ((hello[6] & 0xff) << 16) | ((hello[7] & 0xff) << 8) | (hello[8] & 0xff);
        assertTrue(recordLength == hello.length - 5 && helloLength == hello.length - 9);
    }
}
