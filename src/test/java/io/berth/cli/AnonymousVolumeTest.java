package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.api.ApiService;
import io.berth.engine.EngineConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Anonymous volumes as docker makes them (found by a fresh user): filled from the image, made
 * for the image's VOLUMEs, owned by a user namespace's root, never left behind by a run that
 * fails, and refused where two mounts would share a place. On the berth CLI and through the
 * real docker CLI on Berth's API service, with real containers and the volume folders' files.
 */
@Tag("privileged")
class AnonymousVolumeTest {
    private static final String BUSYBOX_LAYER =
            "770bdd23eef2ab503c845d042c91f9f5a650d0b41ca5f7a81e295bf2b57e0821/layer.tar";
    private static BerthCli berth;
    private static ApiService service;
    private static Path socket;

    @BeforeAll
    static void start() {
        berth = BerthCli.withBusybox();
        socket = berth.dir.resolve("d.sock");
        service = ApiService.start(new EngineConfig(berth.root, berth.runroot,
                Path.of(System.getProperty("berth.shim")), new EngineConfig.Bridge(berth.bridge,
                        berth.subnet)), socket, "0.1.0-test");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (service != null) {
            service.close();
        }
        berth.close();
    }

    /** Each test starts with no containers and no volumes. */
    @AfterEach
    void removeAll() {
        for (String id : berth.run("ps", "-aq").out().lines().toList()) {
            berth.run("rm", "-f", id);
        }
        berth.run("volume", "prune", "-f");
    }

    /** The volume folders in the root, whatever volume ls says. */
    private static List<String> volumeFolders() throws IOException {
        Path dir = berth.root.resolve("volumes");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Path volumeOf(String container, String destination) {
        String name = berth.run("inspect", "--format", "{{range .Mounts}}{{if eq .Destination \""
                + destination + "\"}}{{.Type}} {{.Name}}{{end}}{{end}}", container).line();
        assertTrue(name.startsWith("volume "), container + " has no volume at " + destination
                + ": " + name);
        return berth.root.resolve("volumes").resolve(name.substring(7)).resolve("_data");
    }

    @Test
    void aNewVolumeHoldsTheImagesFilesWithTheEngineEtcFilesOnTop() {
        BerthCli.Result viaBerth = berth.run("run", "--rm", "--network", "none", "-h", "vol1",
                "-v", "/etc", "busybox", "sh", "-c", "head -1 /etc/passwd; cat /etc/hostname");
        assertEquals(new BerthCli.Result(0, "root:x:0:0:root:/root:/bin/sh\nvol1\n", ""),
                viaBerth);
        BerthCli.Result viaDocker = docker("run", "--rm", "--network", "none", "-h", "vol2",
                "-v", "/etc", "busybox", "sh", "-c", "head -1 /etc/passwd; cat /etc/hostname");
        assertEquals(new BerthCli.Result(0, "root:x:0:0:root:/root:/bin/sh\nvol2\n", ""),
                viaDocker);
    }

    /**
     * An image with VOLUME /var/www holding a file of uid 33, mode 0640, with a user xattr,
     * and a symlink: each run gets a volume there, filled once with all of that.
     */
    @Test
    void anImageVolumeGetsAVolumeFilledOnceWithOwnersModesXattrsAndLinks() throws Exception {
        importWww();
        assertEquals(0, berth.run("run", "--name", "web", "--network", "none", "www", "sh",
                "-c", "stat -c '%u %g %a' /var/www/index.html; readlink /var/www/link;"
                        + " echo made > /var/www/new").code());
        Path data = volumeOf("web", "/var/www");
        Path index = data.resolve("index.html");
        assertEquals(33, Files.getAttribute(index, "unix:uid"));
        assertEquals(33, Files.getAttribute(index, "unix:gid"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(index)));
        assertEquals("hello\n", Files.readString(index));
        assertEquals("v", xattr(index, "k"));
        assertEquals(Path.of("index.html"), Files.readSymbolicLink(data.resolve("link")));
        assertEquals("made\n", Files.readString(data.resolve("new")));
        assertEquals("{\"/var/www\":{}}", berth.run("inspect", "--format",
                "{{json .Config.Volumes}}", "web").line());

        Files.delete(index);
        assertEquals(0, berth.run("start", "web").code());
        assertEquals(0, berth.run("wait", "web").code());
        assertTrue(Files.notExists(index), "a volume is filled only when new");

        BerthCli.Result viaDocker = docker("run", "--rm", "--network", "none", "www", "cat",
                "/var/www/index.html");
        assertEquals(new BerthCli.Result(0, "hello\n", ""), viaDocker);
    }

    @Test
    void aMountOfTheUsersAtAnImageVolumeTakesItsPlace() throws Exception {
        importWww();
        Path host = Files.createDirectories(berth.dir.resolve("www-bind"));
        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", "-v", host
                + ":/var/www", "www", "ls", "/var/www");
        assertEquals(new BerthCli.Result(0, "", ""), r);
        r = berth.run("run", "--rm", "--network", "none", "--tmpfs", "/var/www", "www", "ls",
                "/var/www");
        assertEquals(new BerthCli.Result(0, "", ""), r);
        r = docker("run", "--rm", "--network", "none", "--tmpfs", "/var/www", "www", "sh", "-c",
                "ls /var/www; grep -c ' /var/www tmpfs ' /proc/mounts");
        assertEquals(new BerthCli.Result(0, "1\n", ""), r, "the API's HostConfig.Tmpfs too");
        assertEquals(List.of(), volumeFolders());
    }

    @Test
    void userNamespaceRootOwnsAndWritesItsNewVolumes() {
        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", "--userns=auto",
                "-v", "/data", "-v", "/etc", "busybox", "sh", "-c",
                "touch /data/f /etc/f && stat -c '%u:%g' /data /etc /etc/passwd");
        assertEquals(new BerthCli.Result(0, "0:0\n0:0\n0:0\n", ""), r);
    }

    @Test
    void aRunThatFailsLeavesNoVolumeItMadeAndKeepsOlderOnes() throws IOException {
        assertEquals(0, berth.run("create", "--name", "older", "--network", "none", "-v",
                "/kept", "busybox", "true").code());
        List<String> before = volumeFolders();
        assertEquals(1, before.size());

        assertEquals(127, berth.run("run", "--rm", "--network", "none", "-v", "/c", "busybox",
                "/nonexistent").code());
        assertEquals(125, berth.run("run", "--rm", "--network", "none", "-v", "/c", "-u",
                "nosuch", "busybox", "true").code());
        BerthCli.Result ports = berth.run("run", "-v", "/c", "-p", "18085:80", "-p",
                "18085:80", "busybox", "true");
        assertEquals(125, ports.code());
        assertTrue(ports.err().contains("port is already allocated"), ports.err());
        assertEquals(new BerthCli.Result(125, "", "Error: cannot mount volume over existing"
                + " file, file exists /etc/passwd\n"), berth.run("run", "--network", "none",
                "-v", "/etc/passwd", "busybox", "true"));
        BerthCli.Result viaDocker = docker("run", "--rm", "--network", "none", "-v", "/c",
                "busybox", "/nonexistent");
        assertEquals(127, viaDocker.code(), viaDocker.err());

        assertEquals(before, volumeFolders());
        assertEquals(List.of("older"), berth.run("ps", "-a", "--format", "{{.Names}}").out()
                .lines().toList());
    }

    @Test
    void twoMountsAtOnePlaceAreRefusedAsDockerRefusesThem() throws Exception {
        for (List<String> mounts : List.of(List.of("--tmpfs", "/data", "-v", "/data"),
                List.of("--tmpfs", "/data", "-v", berth.dir + "/h1:/data"),
                List.of("-v", berth.dir + "/h1:/data", "-v", berth.dir + "/h2:/data/"))) {
            List<String> argv = new ArrayList<>(List.of("run", "--rm", "--network", "none"));
            argv.addAll(mounts);
            argv.addAll(List.of("busybox", "true"));
            BerthCli.Result r = berth.run(argv.toArray(String[]::new));
            assertEquals(new BerthCli.Result(125, "", "Error: Duplicate mount point: /data\n"),
                    r, mounts.toString());
            BerthCli.Result d = docker(argv.toArray(String[]::new));
            assertEquals(125, d.code(), mounts.toString());
            assertTrue(d.err().contains("Error response from daemon: Duplicate mount point: "
                    + "/data"), d.err());
        }
        BerthCli.Result api = berth.collect(new ProcessBuilder("curl", "-s", "-w", " %{http_code}",
                "--unix-socket", socket.toString(), "-H", "Content-Type: application/json",
                "-d", "{\"Image\":\"busybox\",\"Volumes\":{\"/data\":{}},"
                        + "\"HostConfig\":{\"Tmpfs\":{\"/data\":\"\"}}}",
                "http://berth/containers/create"));
        assertEquals("{\"message\":\"Duplicate mount point: /data\"} 400", api.out().strip());
        assertEquals(List.of(), volumeFolders());
        assertEquals("", berth.run("ps", "-aq").out());
        assertTrue(Files.notExists(berth.dir.resolve("h1")), "nothing made for a refused run");
    }

    /**
     * As docker: -v /data twice is one volume (Config.Volumes is a set), and a bind at the
     * same place wins over the anonymous volume.
     */
    @Test
    void anAnonymousVolumeNamedTwiceIsOneAndABindAtItsPlaceWins() throws IOException {
        assertEquals(0, berth.run("create", "--name", "twice", "--network", "none", "-v",
                "/data", "-v", "/data/", "busybox", "true").code());
        assertEquals("volume /data", berth.run("inspect", "--format",
                "{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}", "twice").line());
        Path host = Files.createDirectories(berth.dir.resolve("bound"));
        assertEquals(0, berth.run("create", "--name", "bound", "--network", "none", "-v",
                "/data", "-v", host + ":/data", "busybox", "true").code());
        assertEquals("bind /data", berth.run("inspect", "--format",
                "{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}", "bound").line());
        assertEquals(1, volumeFolders().size());
    }

    @Test
    void aMountAtProcIsRefusedBeforeAnythingIsMade() throws IOException {
        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", "-v", "/proc",
                "busybox", "true");
        assertEquals(125, r.code());
        assertTrue(r.err().startsWith("Error: invalid mount point: /proc"), r.err());
        BerthCli.Result d = docker("run", "--rm", "--network", "none", "-v", "/proc",
                "busybox", "true");
        assertEquals(125, d.code());
        assertTrue(d.err().contains("invalid mount point: /proc"), d.err());
        assertEquals(List.of(), volumeFolders());
    }

    private static String xattr(Path file, String name) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file,
                UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        ByteBuffer buffer = ByteBuffer.allocate(view.size(name));
        view.read(name, buffer);
        return new String(buffer.array(), StandardCharsets.UTF_8);
    }

    /** busybox's layer plus /var/www, imported with VOLUME ["/var/www"] as www. */
    private static void importWww() throws Exception {
        Path root = Files.createDirectory(berth.dir.resolve("rootfs-www-" + System.nanoTime()));
        Path tar = berth.dir.resolve("www.tar");
        sh("tar -xOf '" + BerthCli.fixtures().resolve("busybox-docker-archive.tar") + "' "
                + BUSYBOX_LAYER + " | tar -x -C '" + root + "'"
                + " && mkdir -p '" + root + "/var/www' && echo hello > '" + root
                + "/var/www/index.html' && chown 33:33 '" + root + "/var/www/index.html'"
                + " && chmod 0640 '" + root + "/var/www/index.html'"
                + " && ln -s index.html '" + root + "/var/www/link'"
                + " && python3 -c 'import os, sys; os.setxattr(sys.argv[1], \"user.k\", b\"v\")'"
                + " '" + root + "/var/www/index.html'"
                + " && tar --xattrs --xattrs-include='*' --format=posix -C '" + root
                + "' -cf '" + tar + "' . && rm -rf '" + root + "'");
        BerthCli.Result r = berth.run("import", "-c", "VOLUME [\"/var/www\"]", tar.toString(),
                "www:latest");
        assertEquals(0, r.code(), r.err());
    }

    private static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).inheritIO().start();
        assertEquals(0, p.waitFor(), script);
    }

    private static BerthCli.Result docker(String... args) {
        return berth.docker(socket, args);
    }
}
