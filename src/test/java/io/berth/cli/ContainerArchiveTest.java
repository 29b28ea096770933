package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.convert.InvalidRequestException;
import io.berth.engine.ArchiveStream;
import io.berth.engine.Engine;
import io.berth.engine.EngineConfig;
import io.berth.engine.NotFoundException;
import io.berth.engine.PathStat;
import io.berth.runtime.OciRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The engine's archive methods as the Docker API's archive endpoints use them: tars in and out,
 * docker's stat, and ids shifted for a user-namespaced container.
 */
@Tag("privileged")
class ContainerArchiveTest {
    private static BerthCli berth;
    private static Engine engine;

    @BeforeAll
    static void start() {
        berth = BerthCli.withBusybox();
        assertEquals(0, berth.run("run", "-d", "--name", "api", "busybox", "sleep", "600")
                .code());
        engine = Engine.open(new EngineConfig(berth.root, berth.runroot,
                OciRuntime.defaultShim(), new EngineConfig.Bridge(berth.bridge, berth.subnet)));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        engine.close();
        berth.close();
    }

    @Test
    void statDescribesThePathAsDockersHeaderDoes() {
        PathStat dir = engine.statPath("api", "/var/www");
        assertEquals("www", dir.name());
        assertTrue(dir.isDirectory());
        assertEquals(PathStat.GO_DIR | 0755, dir.mode() & (PathStat.GO_DIR | 0777));
        berth.run("exec", "api", "ln", "-s", "/var/www/index.html", "/tmp/home");
        PathStat link = engine.statPath("api", "/tmp/home");
        assertTrue(link.isSymlink());
        assertEquals("/var/www/index.html", link.linkTarget());
        NotFoundException missing = assertThrows(NotFoundException.class,
                () -> engine.statPath("api", "/nosuch"));
        assertEquals("Could not find the file /nosuch in container api", missing.getMessage());
    }

    @Test
    void copyFromGivesATarNamedAfterThePathsLastComponent() throws IOException {
        try (ArchiveStream copy = engine.copyFrom("api", "/var/www/")) {
            assertEquals("www", copy.stat().name());
            TarArchiveInputStream tar = new TarArchiveInputStream(copy.tar());
            assertEquals("www/", tar.getNextEntry().getName());
            TarArchiveEntry file = tar.getNextEntry();
            assertEquals("www/index.html", file.getName());
            assertEquals(file.getSize(), tar.readAllBytes().length);
            assertNull(tar.getNextEntry());
        }
    }

    @Test
    void copyToRefusesAFolderOverAFileWhenAsked() throws IOException {
        berth.run("exec", "api", "sh", "-c", "echo x > /tmp/plain");
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> engine.copyTo("api", "/tmp", new ByteArrayInputStream(folderTar("plain")),
                        true));
        assertTrue(e.getMessage().startsWith("cannot overwrite non-directory \"/tmp/plain\""),
                e.getMessage());
        engine.copyTo("api", "/tmp", new ByteArrayInputStream(folderTar("plain")), false);
        assertEquals("directory\n", berth.run("exec", "api", "stat", "-c", "%F", "/tmp/plain")
                .out());
        assertThrows(InvalidRequestException.class, () -> engine.copyTo("api", "/etc/passwd",
                new ByteArrayInputStream(folderTar("x")), false));
    }

    @Test
    void aUserNamespacedContainerGetsItsOwnRootAndGivesBackItsOwnIds() throws IOException {
        assertEquals(0, berth.run("run", "-d", "--name", "mapped", "--userns=auto", "busybox",
                "sleep", "600").code());
        Path file = Files.writeString(berth.dir.resolve("mapped.txt"), "mapped\n");
        assertEquals(0, berth.run("cp", file.toString(), "mapped:/tmp/").code());
        assertEquals("0:0\n", berth.run("exec", "mapped", "stat", "-c", "%u:%g",
                "/tmp/mapped.txt").out());
        String id = berth.run("inspect", "--format", "{{.Id}}", "mapped").line();
        Path onHost = berth.root.resolve("containers").resolve(id)
                .resolve("bundle/rootfs/tmp/mapped.txt");
        int hostUid = (int) Files.getAttribute(onHost, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        assertTrue(hostUid >= 1 << 20, "shifted into the container's range: " + hostUid);
        try (ArchiveStream copy = engine.copyFrom("mapped", "/tmp/mapped.txt")) {
            TarArchiveEntry entry = new TarArchiveInputStream(copy.tar()).getNextEntry();
            assertEquals(0, entry.getLongUserId(), "the container's own id in the tar");
        }
        berth.run("rm", "-f", "mapped");
    }

    @Test
    void aStoppedContainersRootIsUnmountedOnceTheTarIsClosed() throws Exception {
        assertEquals(0, berth.run("create", "--name", "idle", "busybox").code());
        String id = berth.run("inspect", "--format", "{{.Id}}", "idle").line();
        try (ArchiveStream copy = engine.copyFrom("idle", "/etc/passwd")) {
            TarArchiveInputStream tar = new TarArchiveInputStream(copy.tar());
            assertEquals("passwd", tar.getNextEntry().getName());
            assertTrue(new String(tar.readAllBytes()).startsWith("root:"));
        }
        assertTrue(berth.mounts().stream().noneMatch(m -> m.contains(id)),
                "unmounted by the time close returns");
        berth.run("rm", "idle");
    }

    private static byte[] folderTar(String name) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name + "/");
            entry.setMode(0755);
            out.putArchiveEntry(entry);
            out.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }
}
