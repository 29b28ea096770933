package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** berth cp, both ways, with docker's path rules, on running and stopped containers. */
@Tag("privileged")
class CopyTest {
    private static BerthCli berth;
    private static Path local;

    @BeforeAll
    static void start() throws IOException {
        berth = BerthCli.withBusybox();
        local = Files.createDirectory(berth.dir.resolve("local"));
        assertEquals(0, berth.run("run", "-d", "--name", "web", "busybox", "sleep", "600")
                .code());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    private static Path fresh(String name) throws IOException {
        return Files.createDirectory(local.resolve(name));
    }

    private static String inWeb(String script) {
        BerthCli.Result r = berth.run("exec", "web", "sh", "-c", script);
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    private static BerthCli.Result cp(String... args) {
        List<String> all = new ArrayList<>(List.of("cp"));
        all.addAll(List.of(args));
        return berth.run(all.toArray(String[]::new));
    }

    @Test
    void aRunningContainersMountsAreCopiedAsItSeesThem() throws IOException {
        Path dir = fresh("mounted");
        assertEquals(0, cp("web:/etc/hosts", dir.resolve("hosts").toString()).code());
        assertEquals(inWeb("cat /etc/hosts"), Files.readString(dir.resolve("hosts")));
        assertTrue(Files.readString(dir.resolve("hosts")).contains("localhost"));

        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.writeString(shared.resolve("note"), "through the bind\n");
        assertEquals(0, berth.run("run", "-d", "--name", "binds", "--network", "none", "-v",
                shared + ":/srv", "busybox", "sleep", "600").code());
        try {
            assertEquals(0, cp("binds:/srv/note", dir.resolve("note").toString()).code());
            assertEquals("through the bind\n", Files.readString(dir.resolve("note")));
            Files.writeString(dir.resolve("in"), "copied in\n");
            assertEquals(0, cp(dir.resolve("in").toString(), "binds:/srv/").code());
            assertEquals("copied in\n", Files.readString(shared.resolve("in")),
                    "written into the bind, where the container sees it");
            assertEquals(0, cp(dir.resolve("in").toString(), "binds:/at-the-top").code(),
                    "a new entry right under /");
            assertEquals("copied in\n", berth.run("exec", "binds", "cat", "/at-the-top")
                    .out());
        } finally {
            berth.run("rm", "-f", "binds");
        }
    }

    @Test
    void aFileComesOutAsTheNamedFileOrIntoAFolder() throws IOException {
        inWeb("echo hello > /tmp/greeting");
        Path dir = fresh("file-out");
        assertEquals(0, cp("web:/tmp/greeting", dir.resolve("copy.txt").toString()).code());
        assertEquals("hello\n", Files.readString(dir.resolve("copy.txt")));
        BerthCli.Result into = cp("web:tmp/greeting", dir + "/");
        assertEquals(0, into.code(), into.err());
        assertEquals("hello\n", Files.readString(dir.resolve("greeting")));
        assertEquals("", into.out(), "no progress off a terminal");
    }

    @Test
    void aFolderBecomesTheDestinationGoesIntoAnExistingOneOrGivesItsContents()
            throws IOException {
        Path dir = fresh("dir-out");
        assertEquals(0, cp("web:/var/www", dir.resolve("site").toString()).code());
        assertTrue(Files.isRegularFile(dir.resolve("site/index.html")));
        Files.createDirectory(dir.resolve("existing"));
        assertEquals(0, cp("web:/var/www", dir.resolve("existing").toString()).code());
        assertTrue(Files.isRegularFile(dir.resolve("existing/www/index.html")));
        Files.createDirectory(dir.resolve("contents"));
        assertEquals(0, cp("web:/var/www/.", dir.resolve("contents").toString()).code());
        assertTrue(Files.isRegularFile(dir.resolve("contents/index.html")));
        assertFalse(Files.exists(dir.resolve("contents/www")));
        BerthCli.Result onFile = cp("web:/var/www", dir.resolve("site/index.html").toString());
        assertEquals(1, onFile.code());
        assertEquals("Error: cannot copy directory\n", onFile.err());
    }

    @Test
    void filesCopiedInBelongToTheContainersRootUnlessArchiveModeKeepsTheirIds()
            throws Exception {
        Path dir = fresh("owned");
        Path file = Files.writeString(dir.resolve("owned.txt"), "mine\n");
        BerthCli.exec("chown", "1234:2345", file.toString());
        BerthCli.exec("chmod", "640", file.toString());
        assertEquals(0, cp(file.toString(), "web:/tmp/").code());
        assertEquals("0:0 640 mine\n", inWeb("stat -c '%u:%g %a' /tmp/owned.txt | tr '\\n' ' ';"
                + " cat /tmp/owned.txt"));
        assertEquals(0, cp("-a", file.toString(), "web:/tmp/kept.txt").code());
        assertEquals("1234:2345\n", inWeb("stat -c '%u:%g' /tmp/kept.txt"));
    }

    @Test
    void aFolderGoesInAsTheNamedFolderOrItsContentsIntoAnExistingOne() throws IOException {
        Path dir = fresh("tree");
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/c.txt"), "deep\n");
        assertEquals(0, cp(dir.resolve("a").toString(), "web:/tmp/newtree").code());
        assertEquals("deep\n", inWeb("cat /tmp/newtree/b/c.txt"));
        inWeb("mkdir -p /tmp/holder");
        assertEquals(0, cp(dir.resolve("a").toString(), "web:/tmp/holder").code());
        assertEquals(0, cp(dir.resolve("a") + "/.", "web:/tmp/holder").code());
        assertEquals("deep\ndeep\n", inWeb("cat /tmp/holder/a/b/c.txt /tmp/holder/b/c.txt"));
        BerthCli.Result missing = cp(dir.resolve("a/b/c.txt").toString(), "web:/tmp/nodir/");
        assertEquals(1, missing.code());
        assertEquals("Error: no such directory\n", missing.err());
    }

    @Test
    void linksSurviveTheRoundTripAndMinusLFollowsALocalSource() throws IOException {
        Path dir = fresh("linked");
        Path tree = Files.createDirectory(dir.resolve("tree"));
        Files.writeString(tree.resolve("data"), "same\n");
        Files.createLink(tree.resolve("hard"), tree.resolve("data"));
        Files.createSymbolicLink(tree.resolve("soft"), Path.of("data"));
        assertEquals(0, cp(tree.toString(), "web:/tmp/linked").code());
        assertEquals("2 data\n", inWeb("stat -c '%h' /tmp/linked/hard | tr '\\n' ' ';"
                + " readlink /tmp/linked/soft"));
        assertEquals(0, cp("web:/tmp/linked", dir.resolve("back").toString()).code());
        assertEquals(Files.getAttribute(dir.resolve("back/data"), "unix:ino"),
                Files.getAttribute(dir.resolve("back/hard"), "unix:ino"));
        assertEquals(Path.of("data"), Files.readSymbolicLink(dir.resolve("back/soft")));

        assertEquals(0, cp("-L", tree.resolve("soft").toString(), "web:/tmp/").code());
        assertEquals("regular file same\n", inWeb("stat -c '%F' /tmp/soft | tr '\\n' ' ';"
                + " cat /tmp/soft"));
    }

    @Test
    void anAbsoluteSymlinkInTheContainerLeadsToTheContainersOwnFile() throws IOException {
        inWeb("echo 'root:x:0:0:the containers root:/root:/bin/sh' > /tmp/passwd;"
                + " ln -sf /tmp/passwd /tmp/pw; ln -sfn /tmp /tmp/tmplink");
        String theirs = inWeb("cat /tmp/passwd");
        Path dir = fresh("links");
        assertEquals(0, cp("-L", "web:/tmp/pw", dir.resolve("followed").toString()).code());
        assertEquals(theirs, Files.readString(dir.resolve("followed")));
        assertEquals(0, cp("web:/tmp/tmplink/passwd", dir.resolve("through").toString()).code());
        assertEquals(theirs, Files.readString(dir.resolve("through")));
        assertEquals(0, cp("web:/tmp/pw", dir.resolve("link").toString()).code());
        assertEquals("/tmp/passwd", Files.readSymbolicLink(dir.resolve("link")).toString(),
                "without -L the link itself is copied");
        assertNotEquals(Files.readString(Path.of("/etc/passwd")),
                Files.readString(dir.resolve("followed")), "not the host's file");
    }

    @Test
    void neitherSymlinksNorDotDotLeadOutOfTheContainersRoot() throws IOException {
        Path outside = fresh("outside");
        Path marker = Files.writeString(outside.resolve("marker"), "untouched\n");
        Path dir = fresh("escape");
        Path payload = Files.writeString(dir.resolve("marker"), "written\n");
        inWeb("mkdir -p " + outside + " && ln -sfn " + outside + " /tmp/esc"
                + " && ln -sfn ../../../../../../../../../.." + outside + " /tmp/up");
        assertEquals(0, cp(payload.toString(), "web:/tmp/esc/").code());
        assertEquals(0, cp(payload.toString(), "web:/tmp/up/marker").code());
        assertEquals(0, cp(payload.toString(), "web:/../../../../../.." + outside + "/m2")
                .code());
        assertEquals("untouched\n", Files.readString(marker));
        assertFalse(Files.exists(outside.resolve("m2")));
        assertEquals("written\nwritten\n", inWeb("cat " + outside + "/marker " + outside
                + "/m2"));

        BerthCli.Result evil = berth.runWithInput(new ByteArrayInputStream(tar(
                "../../../../../../../../.." + marker, "evil\n")), "cp", "-", "web:/tmp");
        assertEquals(1, evil.code());
        assertTrue(evil.err().contains("is outside of"), evil.err());
        assertEquals("untouched\n", Files.readString(marker));

        assertEquals(0, cp("web:../../../../tmp/passwd", dir.resolve("up").toString()).code());
        assertEquals(inWeb("cat /tmp/passwd"), Files.readString(dir.resolve("up")));
    }

    @Test
    void aStoppedContainerIsMountedForTheCopyAndUnmountedAfter() throws Exception {
        assertEquals(1, berth.run("run", "--name", "cold", "busybox", "cat", "/note")
                .code());
        String id = berth.run("inspect", "--format", "{{.Id}}", "cold").line();
        Path dir = fresh("cold");
        Path note = Files.writeString(dir.resolve("note"), "kept while stopped\n");
        assertEquals(0, cp(note.toString(), "cold:/").code());
        assertEquals(List.of(), mountsOf(id));
        assertEquals(0, cp("cold:/note", dir.resolve("back").toString()).code());
        assertEquals("kept while stopped\n", Files.readString(dir.resolve("back")));
        assertEquals(List.of(), mountsOf(id));
        BerthCli.Result started = berth.run("start", "-a", "cold");
        assertEquals(0, started.code(), started.err());
        assertEquals("kept while stopped\n", started.out());
        berth.run("rm", "-f", "cold");
    }

    private static List<String> mountsOf(String id) {
        return berth.mounts().stream().filter(m -> m.contains(id)).toList();
    }

    @Test
    void aDashStreamsATarOutOrIn() throws IOException {
        BerthCli.Result out = cp("web:/var/www/index.html", "-");
        assertEquals(0, out.code(), out.err());
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(
                out.out().getBytes(StandardCharsets.UTF_8)))) {
            TarArchiveEntry entry = in.getNextEntry();
            assertEquals("index.html", entry.getName());
            assertEquals(inWeb("cat /var/www/index.html"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertNull(in.getNextEntry());
        }
        BerthCli.Result in = berth.runWithInput(new ByteArrayInputStream(tar("streamed/a.txt",
                "from a tar\n")), "cp", "-", "web:/tmp");
        assertEquals(0, in.code(), in.err());
        assertEquals("from a tar\n", inWeb("cat /tmp/streamed/a.txt"));
        BerthCli.Result notDir = berth.runWithInput(new ByteArrayInputStream(tar("x", "x")),
                "cp", "-", "web:/etc/passwd");
        assertEquals("Error: destination \"web:/etc/passwd\" must be a directory\n",
                notDir.err());
    }

    @Test
    void errorsAreWordedAsDockersAre() {
        BerthCli.Result noPath = cp("web:/nosuch", local.resolve("x").toString());
        assertEquals(1, noPath.code());
        assertEquals("Error: No such container:path: web:/nosuch\n", noPath.err());
        assertEquals("Error: No such container: ghost\n", cp("ghost:/x", local.toString())
                .err());
        assertEquals("Error: must specify at least one container source\n",
                cp("a", "b").err());
        assertEquals("Error: copying between containers is not supported\n",
                cp("web:/a", "web:/b").err());
    }

    private static byte[] tar(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(data.length);
            entry.setMode(0644);
            out.putArchiveEntry(entry);
            out.write(data);
            out.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void dockersPathRulesPlaceTheSource() {
        assertArrayEquals(new String[] {"/a", "."}, CopyPaths.splitDirEntry("/a/."));
        assertArrayEquals(new String[] {"/a", "b"}, CopyPaths.splitDirEntry("/a/b/"));
        assertEquals("b", CopyPaths.base("/a/b/"));
        assertEquals("/x/.", CopyPaths.preserveTrailing("/x", "y/."));
    }
}
