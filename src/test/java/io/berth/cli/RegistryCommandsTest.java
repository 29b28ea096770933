package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.image.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The image verbs through the CLI, against a registry this test starts on 127.0.0.1. */
@Tag("privileged")
class RegistryCommandsTest {
    private static final String OCI_ID =
            "sha256:00b46ff042e3a85bb2e75a4512df01f2abbcae93f1077ed1811fef774a9b2929";

    private BerthCli berth;
    private LocalRegistry registry;

    @BeforeEach
    void setUp() {
        berth = new BerthCli();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (registry != null) {
            registry.close();
        }
        berth.close();
    }

    private String seeded(boolean password) throws Exception {
        Path layout = berth.dir.resolve("busybox-oci");
        LocalRegistry.run(List.of("cp", "-r", BerthCli.fixtures().resolve("busybox-oci")
                .toString(), layout.toString()));
        registry = password ? LocalRegistry.withPassword(berth.dir.resolve("registry"))
                : LocalRegistry.open(berth.dir.resolve("registry"));
        registry.seed(layout, "test/busybox:1.0", password
                ? new String[] {LocalRegistry.USER + ":" + LocalRegistry.PASSWORD}
                : new String[0]);
        return registry.address() + "/test/busybox:1.0";
    }

    @Test
    void pullPrintsALinePerLayerStepInAPipeAndTheNameLast() throws Exception {
        String name = seeded(false);

        BerthCli.Result pull = berth.run("pull", name);

        assertEquals(0, pull.code(), pull.err());
        assertEquals(List.of("1.0: Pulling from test/busybox",
                "5d06538b67b6: Pulling fs layer", "5d06538b67b6: Pull complete",
                "Digest: sha256:31786af546e1bd9f477f3f129c59772534001933958e6f6284c8f00ea82c144c",
                "Status: Downloaded newer image for " + name, name), pull.out().lines().toList());
        assertEquals(OCI_ID, berth.run("image", "inspect", "--format", "{{.Id}}", name).line());
        assertEquals(name, berth.run("pull", "-q", name).line());
    }

    @Test
    void aMissingTagFailsWithTheRegistrysWords() throws Exception {
        String name = seeded(false);

        BerthCli.Result pull = berth.run("pull", "-q", name.replace(":1.0", ":nope"));

        assertEquals(1, pull.code());
        assertTrue(pull.err().contains("not found: manifest unknown"), pull.err());
    }

    @Test
    void loginStoresCredentialsOnlyWhenTheRegistryTakesThem() throws Exception {
        String name = seeded(true);
        String server = registry.address();

        assertEquals(1, berth.run("pull", "-q", name).code());
        BerthCli.Result wrong = berth.run("login", "-u", LocalRegistry.USER, "-p", "nope",
                server);
        assertEquals(1, wrong.code());
        assertFalse(Files.exists(berth.root.resolve("image/auth.json")));

        BerthCli.Result login = berth.runWithInput(new ByteArrayInputStream(
                (LocalRegistry.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)), "login",
                "-u", LocalRegistry.USER, "--password-stdin", server);
        assertEquals(0, login.code(), login.err());
        assertEquals("Login Succeeded", login.line());
        assertEquals(0, berth.run("pull", "-q", name).code());

        assertEquals("Removing login credentials for " + server,
                berth.run("logout", server).line());
        assertEquals("Not logged in to " + server, berth.run("logout", server).line());
    }

    @Test
    void rmiUntagsOneOfSeveralNamesThenDeletesTheImage() throws Exception {
        String name = seeded(false);
        berth.run("pull", "-q", name);
        assertEquals(0, berth.run("tag", name, "mine:v1").code());

        BerthCli.Result untag = berth.run("rmi", "mine:v1");
        assertEquals("Untagged: mine:v1", untag.line());

        BerthCli.Result delete = berth.run("rmi", name);
        assertEquals(List.of("Untagged: " + name, "Untagged: " + registry.address()
                + "/test/busybox@sha256:31786af546e1bd9f477f3f129c59772534001933958e6f6284c8f00e"
                + "a82c144c", "Deleted: " + OCI_ID), delete.out().lines().toList());
        assertEquals("", berth.run("images", "-q").line());
    }

    @Test
    void rmiRefusesAnImageAContainerUsesUnlessForcedAndThenKeepsItNameless() throws Exception {
        String name = seeded(false);
        berth.run("pull", "-q", name);
        BerthCli.Result created = berth.run("create", name, "true");
        assertEquals(0, created.code(), created.err());

        BerthCli.Result refused = berth.run("rmi", name);
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("must force"), refused.err());

        BerthCli.Result forced = berth.run("rmi", "-f", name);
        assertEquals(0, forced.code(), forced.err());
        assertFalse(forced.out().contains("Deleted"), forced.out());
        assertEquals("<none> <none>", berth.run("images", "--format",
                "{{.Repository}} {{.Tag}}").line());

        BerthCli.Result kept = berth.run("image", "prune", "-f");
        assertEquals("Total reclaimed space: 0B", kept.line());
        berth.run("rm", "-f", created.line());
        BerthCli.Result pruned = berth.run("image", "prune", "-f");
        assertEquals(List.of("Deleted Images:", "deleted: " + OCI_ID, "",
                "Total reclaimed space: 1.98MB"), pruned.out().lines().toList());
    }

    @Test
    void aSavedArchiveLoadsIntoAnotherRootWithItsName() throws Exception {
        String name = seeded(false);
        berth.run("pull", "-q", name);
        Path archive = berth.dir.resolve("saved.tar");

        assertEquals(0, berth.run("save", "-o", archive.toString(), name).code());

        try (BerthCli other = new BerthCli()) {
            BerthCli.Result load = other.run("load", "-i", archive.toString());
            assertEquals("Loaded image: " + name, load.line(), load.err());
            assertEquals(OCI_ID, other.run("image", "inspect", "--format", "{{.Id}}", name)
                    .line());
        }
    }

    @Test
    void historyPrintsDockersColumns() throws Exception {
        String name = seeded(false);
        berth.run("pull", "-q", name);

        List<String> lines = berth.run("history", name).out().lines().toList();

        assertEquals(List.of("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"),
                List.of(lines.getFirst().split("\\s{2,}")));
        assertTrue(lines.get(1).startsWith("00b46ff042e3 "), lines.get(1));
        assertTrue(lines.get(1).contains("1.98MB"), lines.get(1));
    }
}
