package io.berth.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * What a Testcontainers user does, run in a JVM of its own so that DOCKER_HOST and the
 * Testcontainers settings stay out of the test JVM: a GenericContainer with an exposed port,
 * an exec, its logs and its mapped port. Prints one line per fact for the test to check.
 */
public final class TestcontainersProbe {
    private TestcontainersProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("api=" + DockerClientFactory.instance().getActiveApiVersion());
        try (GenericContainer<?> web = new GenericContainer<>(DockerImageName.parse(
                "busybox:latest"))
                .withExposedPorts(80)
                .withCommand("sh", "-c", "echo started; exec httpd -f -p 80 -h /var/www")
                .waitingFor(Wait.forLogMessage(".*started.*", 1)
                        .withStartupTimeout(Duration.ofSeconds(30)))) {
            web.start();
            Container.ExecResult exec = web.execInContainer("echo", "hello-exec");
            System.out.println("exec=" + exec.getStdout().strip() + " code="
                    + exec.getExitCode());
            System.out.println("logs=" + web.getLogs().strip());
            int port = web.getMappedPort(80);
            System.out.println("port=" + port);
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("http=" + page.statusCode());
        }
        System.out.println("done");
    }
}
