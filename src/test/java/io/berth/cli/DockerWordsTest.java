package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Words docker users type that are spelt another way elsewhere in Berth. */
@Tag("privileged")
class DockerWordsTest {
    private static BerthCli berth;

    @BeforeAll
    static void start() {
        berth = BerthCli.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    @Test
    void imageLsAndImagesAllListTheSameAsImages() {
        BerthCli.Result images = berth.run("images");
        assertEquals(0, images.code());
        assertTrue(images.out().contains("busybox"), images.out());
        assertEquals(images, berth.run("images", "-a"));
        assertEquals(images, berth.run("image", "ls"));
        assertEquals(berth.run("images", "-q"), berth.run("image", "list", "-q"));
        assertEquals(images, berth.run("images", "busybox"));
        assertEquals(images, berth.run("images", "busybox:latest"));
        assertEquals("", berth.run("images", "-q", "busybox:other").out());
        assertEquals("", berth.run("images", "-q", "alpine").out());
    }

    @Test
    void versionFormatJsonIsOneJsonDocument() throws IOException {
        BerthCli.Result r = berth.run("version", "--format", "json");
        assertEquals(0, r.code());
        assertEquals(1, r.out().strip().lines().count());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(Main.VERSION, doc.path("Client").path("Version").asText());
        assertEquals(Main.VERSION, doc.path("Server").path("Version").asText());
    }

    @Test
    void anUnknownLogLevelIsRefused() {
        BerthCli.Result r = berth.run("--log-level", "loud", "ps");
        assertEquals(125, r.code());
        assertTrue(r.err().startsWith("berth: Invalid value for option '--log-level'"), r.err());
        assertEquals(0, berth.run("--log-level", "debug", "ps").code());
    }

    @Test
    void aMalformedImageNameIsSaidToBeOneAndAMissingOneMissing() {
        BerthCli.Result upper = berth.run("run", "--rm", "BusyBox", "true");
        assertEquals(125, upper.code());
        assertTrue(upper.err().startsWith("Error: invalid reference format: repository name "
                + "(library/BusyBox) must be lowercase"), upper.err());
        assertEquals("Error: invalid reference format\n", berth.run("create", "", "true").err());
        assertEquals("Error: Unable to find image 'nosuch' locally\n",
                berth.run("run", "nosuch").err());
        assertEquals("", berth.run("ps", "-a", "-q").out());
    }
}
