package io.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Testcontainers 2.0.5 (docker-java underneath) against the service: Ryuk disabled, the image
 * present locally, the host given so that it does not start a gateway-finding container.
 */
@Tag("privileged")
class TestcontainersTest {
    private static ServiceUnderTest berth;

    @BeforeAll
    static void startServiceAndLoadBusybox() {
        berth = ServiceUnderTest.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    @Test
    void aGenericContainerStartsExecsLogsAndPublishesItsPort() throws Exception {
        Path home = Files.createDirectories(berth.dir.resolve("tc-home"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Duser.home=" + home,
                "-cp", System.getProperty("java.class.path"), TestcontainersProbe.class.getName());
        pb.environment().put("DOCKER_HOST", "unix://" + berth.socket);
        pb.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        pb.environment().put("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
        pb.environment().remove("DOCKER_API_VERSION");
        pb.redirectErrorStream(true);
        Process probe = pb.start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(probe.waitFor(120, TimeUnit.SECONDS), "the probe finished");

        assertEquals(0, probe.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("api=1.44"), "Testcontainers kept API 1.44:\n" + out);
        assertTrue(lines.contains("exec=hello-exec code=0"), out);
        assertTrue(lines.contains("logs=started"), out);
        assertTrue(lines.stream().anyMatch(l -> l.matches("port=[1-9][0-9]*")), out);
        assertTrue(lines.contains("http=200"), out);
        assertTrue(lines.contains("done"), out);
        assertEquals("", berth.docker("ps", "-a", "-q").out(), "the container was removed");
    }
}
