package io.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docker save, docker pull and docker container prune through the service, with the real
 * docker CLI, and pulls from Debian's docker-registry on 127.0.0.1 started here.
 */
@Tag("privileged")
class ImageTransferTest {
    private static ServiceUnderTest berth;
    private static LocalRegistry registry;
    private static String busyboxId;

    @BeforeAll
    static void startServiceAndRegistry() throws Exception {
        berth = new ServiceUnderTest();
        ServiceUnderTest.Result load = berth.docker("load", "-i", ServiceUnderTest.fixtures()
                .resolve("busybox-docker-archive.tar").toString());
        assertEquals(0, load.code(), load.err());
        busyboxId = berth.docker("inspect", "--format", "{{.Id}}", "busybox").line();
        registry = LocalRegistry.open(berth.dir.resolve("registry"));
        registry.seed(copyFixture("busybox-oci"), "tc/busybox:v1");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (registry != null) {
            registry.close();
        }
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    private static Path copyFixture(String name) throws IOException {
        Path from = ServiceUnderTest.fixtures().resolve(name);
        Path to = berth.dir.resolve("fixture-" + name);
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    @Test
    void aSavedImageIsLoadedBackWithItsIdAndName() throws Exception {
        Path archive = berth.dir.resolve("saved.tar");
        ServiceUnderTest.Result save = berth.docker("save", "-o", archive.toString(),
                "busybox:latest");
        assertEquals(0, save.code(), save.err());
        assertEquals(0, berth.docker("rmi", "busybox:latest").code());
        assertNotEquals(0, berth.docker("inspect", busyboxId).code());

        ServiceUnderTest.Result load = berth.docker("load", "-i", archive.toString());
        assertEquals(0, load.code(), load.err());
        assertEquals("Loaded image: busybox:latest", load.line());
        assertEquals(busyboxId, berth.docker("inspect", "--format", "{{.Id}}", "busybox")
                .line());
    }

    @Test
    void anImageIsSavedByItsOwnPathToo() {
        String answer = berth.raw("GET /v1.44/images/busybox:latest/get HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer.lines().findFirst().orElse(""));
        assertTrue(answer.contains("Content-Type: application/x-tar"), answer.substring(0, 300));
        List<String> entries = tarEntries(dechunk(answer));
        // docker 25's layout: an OCI layout with docker's manifest.json beside it.
        assertTrue(entries.contains("manifest.json") && entries.contains("index.json"),
                "a docker-archive: " + entries);
    }

    /** The body of a chunked answer read as ISO-8859-1 text, as bytes. */
    private static byte[] dechunk(String answer) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int at = answer.indexOf("\r\n\r\n") + 4;
        while (true) {
            int eol = answer.indexOf("\r\n", at);
            int size = Integer.parseInt(answer.substring(at, eol).trim(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            byte[] chunk = answer.substring(eol + 2, eol + 2 + size)
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            body.write(chunk, 0, chunk.length);
            at = eol + 2 + size + 2;
        }
    }

    private static List<String> tarEntries(byte[] tar) {
        List<String> names = new java.util.ArrayList<>();
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.io.ByteArrayInputStream(tar))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return names;
    }

    @Test
    void theDockerCliFiltersImagesAsDockerdDoes() {
        assertEquals(0, berth.docker("tag", "busybox:latest", "filtered/one:1").code());
        try {
            ServiceUnderTest.Result r = berth.docker("images", "--format",
                    "{{.Repository}}:{{.Tag}}", "--filter", "reference=filtered/*");
            assertEquals(0, r.code(), r.err());
            assertEquals("filtered/one:1\n", r.out(), "only the tag that matches");
            r = berth.docker("images", "-q", "--filter", "dangling=true", "--filter",
                    "reference=filtered/*");
            assertEquals("", r.out(), r.err());
            r = berth.docker("images", "-q", "--no-trunc", "--filter", "before=filtered/one:1");
            assertEquals(0, r.code(), r.err());
            assertFalse(r.out().contains(busyboxId), "an image is not older than itself");
            r = berth.docker("images", "-q", "--no-trunc", "--filter", "label=no.such.label");
            assertEquals("", r.out(), r.err());
            r = berth.docker("images", "--filter", "size=1");
            assertEquals(1, r.code());
            assertTrue(r.err().contains("invalid filter 'size'"), r.err());
            r = berth.docker("images", "--filter", "since=nosuch:1");
            assertEquals(1, r.code());
            assertTrue(r.err().contains("No such image: nosuch:1"), r.err());
        } finally {
            berth.docker("rmi", "filtered/one:1");
        }
    }

    @Test
    void savingAnImageThatDoesNotExistFailsWithItsName() {
        ServiceUnderTest.Result save = berth.docker("save", "-o",
                berth.dir.resolve("none.tar").toString(), "nosuch:v1");
        assertEquals(1, save.code());
        assertTrue(save.err().contains("No such image: nosuch:v1"), save.err());
        assertFalse(Files.exists(berth.dir.resolve("none.tar")));
    }

    @Test
    void pullFetchesFromTheRegistryAndTheImageRuns() {
        String name = registry.address() + "/tc/busybox:v1";
        ServiceUnderTest.Result pull = berth.docker("pull", name);
        assertEquals(0, pull.code(), pull.err());
        assertTrue(pull.out().contains("v1: Pulling from tc/busybox"), pull.out());
        assertTrue(pull.out().contains("Digest: sha256:"), pull.out());
        assertTrue(pull.out().contains("Status: Downloaded newer image for " + name), pull.out());
        assertTrue(pull.out().strip().endsWith(name), pull.out());

        ServiceUnderTest.Result again = berth.docker("pull", name);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("Status: Image is up to date for " + name), again.out());

        // Only the tag is new: the image stays stored under another name meanwhile.
        assertEquals(0, berth.docker("tag", name, "kept/busybox:v1").code());
        assertEquals(0, berth.docker("rmi", name).code());
        ServiceUnderTest.Result retag = berth.docker("pull", name);
        assertEquals(0, retag.code(), retag.err());
        assertTrue(retag.out().contains("Status: Downloaded newer image for " + name),
                retag.out());
        assertEquals(0, berth.docker("rmi", "kept/busybox:v1").code());

        ServiceUnderTest.Result run = berth.docker("run", "--rm", "--network", "none", name,
                "echo", "pulled");
        assertEquals(0, run.code(), run.err());
        assertEquals("pulled\n", run.out());
        assertEquals(0, berth.docker("rmi", name).code());
    }

    @Test
    void pullStreamsOneJsonMessagePerLineAsDockerdDoes() {
        String answer = berth.raw("POST /v1.44/images/create?fromImage=" + registry.address()
                + "/tc/busybox&tag=v1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "X-Registry-Auth: e30=\r\nContent-Length: 0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.contains("{\"status\":\"Pulling from tc/busybox\",\"id\":\"v1\"}"),
                answer);
        assertTrue(answer.matches("(?s).*\\{\"status\":\"(Pull complete|Already exists)\","
                + "\"progressDetail\":\\{},\"id\":\"[0-9a-f]{12}\"}\r?\n.*"), answer);
        assertTrue(answer.contains("{\"status\":\"Status: Downloaded newer image for "
                + registry.address() + "/tc/busybox:v1\"}"), answer);
        assertEquals(0, berth.docker("rmi", registry.address() + "/tc/busybox:v1").code());
    }

    @Test
    void pullingWhatTheRegistryDoesNotHaveFailsBeforeAnyProgress() {
        String name = registry.address() + "/tc/nosuch:v9";
        ServiceUnderTest.Result pull = berth.docker("pull", name);
        assertEquals(1, pull.code(), pull.out());
        assertTrue(pull.err().startsWith("Error response from daemon: "), pull.err());

        String answer = berth.raw("POST /v1.44/images/create?fromImage=" + registry.address()
                + "/tc/nosuch&tag=v9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 404 "), answer);
    }

    @Test
    void runPullsAMissingImageFirst() {
        String name = registry.address() + "/tc/busybox:v1";
        ServiceUnderTest.Result run = berth.docker("run", "--rm", "--network", "none", name,
                "echo", "fetched");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("Unable to find image '" + name + "' locally"),
                run.err() + run.out());
        assertTrue(run.out().endsWith("fetched\n"), run.out());
        assertEquals(0, berth.docker("rmi", name).code());
    }

    @Test
    void containerPruneRemovesTheStoppedAndKeepsTheRunning() {
        assertEquals(0, berth.docker("run", "--network", "none", "--name", "done1", "busybox",
                "true").code());
        String stopped = berth.docker("inspect", "--format", "{{.Id}}", "done1").line();
        assertEquals(0, berth.docker("run", "-d", "--network", "none", "--name", "alive",
                "busybox", "sleep", "600").code());

        ServiceUnderTest.Result prune = berth.docker("container", "prune", "-f");
        assertEquals(0, prune.code(), prune.err());
        assertEquals(List.of("Deleted Containers:", stopped, "", "Total reclaimed space: 0B"),
                prune.out().lines().toList());
        assertEquals("alive", berth.docker("ps", "-a", "--format", "{{.Names}}").line());
        assertEquals(0, berth.docker("rm", "-f", "alive").code());
    }
}
