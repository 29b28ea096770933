package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.LocalRegistry;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTPS to a registry on 127.0.0.1 that serves TLS with a certificate of the test's own. */
class TlsRegistryTest {
    private Path dir;
    private LocalRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("berth-tls-test-");
        registry = LocalRegistry.withTls(dir.resolve("registry"));
    }

    @AfterEach
    void tearDown() throws Exception {
        registry.close();
        LocalRegistry.run(List.of("rm", "-rf", dir.toString()));
    }

    private RegistryClient verifying(Path bundle) {
        HttpClient http = HttpClient.newBuilder().sslContext(Tls.trusting(bundle))
                .version(HttpClient.Version.HTTP_1_1).build();
        return new RegistryClient(registry.address(), registry.address(), http, null, false);
    }

    @Test
    void aCertificateFromTheTrustedBundleIsAccepted() {
        verifying(dir.resolve("registry/cert.pem")).checkLogin();
    }

    @Test
    void aCertificateNoSystemCaSignedIsRefused() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> verifying(Tls.SYSTEM_BUNDLE).checkLogin());

        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("login to " + registry.address()), e.getMessage());
    }

    @Test
    void anInsecureRegistryIsReachedOverTlsWithoutVerification() {
        Registries registries = new Registries(new AuthFile(dir.resolve("auth.json")),
                List.of());

        registries.client(registry.address()).checkLogin();
    }
}
