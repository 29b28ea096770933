package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.api.ApiService;
import io.berth.engine.EngineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Named volumes as docker has them: made by volume create or on first use, filled from the
 * image when new, kept when their containers go, refused to rm while in use, pruned only with
 * -a. On the berth CLI and through the real docker CLI on Berth's API service, one engine
 * state, with real containers and the volume folders' files.
 */
@Tag("privileged")
class NamedVolumeTest {
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
        berth.run("volume", "prune", "-a", "-f");
    }

    /** The same command through both CLIs: the same code, output and errors. */
    private static BerthCli.Result same(String... args) {
        BerthCli.Result viaDocker = docker(args);
        BerthCli.Result viaBerth = berth.run(args);
        assertEquals(viaDocker, viaBerth, String.join(" ", args));
        return viaBerth;
    }

    private static BerthCli.Result api(String method, String path, String body) {
        List<String> argv = new ArrayList<>(List.of("curl", "-s", "-w", " %{http_code}",
                "--unix-socket", socket.toString(), "-X", method));
        if (body != null) {
            argv.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
        }
        argv.add("http://berth" + path);
        return berth.collect(new ProcessBuilder(argv));
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

    private static Path data(String volume) {
        return berth.root.resolve("volumes").resolve(volume).resolve("_data");
    }

    @Test
    void createInspectAndLsShowTheSameVolumesToBothClients() {
        assertEquals(new BerthCli.Result(0, "first\n", ""), berth.run("volume", "create",
                "--label", "tier=db", "--label", "keep", "first"));
        assertEquals(new BerthCli.Result(0, "second\n", ""), docker("volume", "create",
                "second"));
        assertEquals(new BerthCli.Result(0, "first\n", ""), docker("volume", "create",
                "--label", "other=x", "first"), "a second create returns the first volume");
        String random = berth.run("volume", "create").line();
        assertTrue(random.matches("[0-9a-f]{64}"), random);

        assertEquals(new BerthCli.Result(0, "DRIVER    VOLUME NAME\nlocal     " + random
                + "\nlocal     first\nlocal     second\n", ""), same("volume", "ls"));
        assertEquals("first\n", same("volume", "ls", "-q", "--filter", "label=tier=db").out());
        assertEquals("second\n", same("volume", "ls", "-q", "-f", "name=^sec").out());
        assertEquals("{\"Availability\":\"N/A\",\"Driver\":\"local\",\"Group\":\"N/A\","
                + "\"Labels\":\"\",\"Links\":\"N/A\",\"Mountpoint\":\"" + data("second")
                + "\",\"Name\":\"second\",\"Scope\":\"local\",\"Size\":\"N/A\","
                + "\"Status\":\"N/A\"}\n", same("volume", "ls", "--format", "json", "-f",
                        "name=second").out());
        // docker's CLI joins labels in Go's random map order; Berth's in key order.
        assertEquals("first keep=,tier=db\n", berth.run("volume", "ls", "--filter",
                "label=keep", "--format", "{{.Name}} {{.Labels}}").out());
        assertEquals(new BerthCli.Result(0, "first local local map[keep: tier:db] map[] "
                + data("first") + "\n", ""), same("volume", "inspect", "-f",
                "{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}} {{.Options}} {{.Mountpoint}}",
                "first"));
        String json = same("volume", "inspect", "second").out();
        assertTrue(json.matches("(?s)\\[\\n    \\{\\n        \"CreatedAt\": \"\\d{4}-\\d\\d-\\d\\dT"
                + "\\d\\d:\\d\\d:\\d\\dZ\",\\n        \"Driver\": \"local\",\\n        \"Labels\": "
                + "null,\\n        \"Mountpoint\": \"" + data("second") + "\",\\n        \"Name\": "
                + "\"second\",\\n        \"Options\": null,\\n        \"Scope\": \"local\"\\n"
                + "    \\}\\n\\]\\n"), json);
        assertEquals(new BerthCli.Result(1, "[]\n", "Error response from daemon: get nope: no"
                + " such volume\n"), same("volume", "inspect", "nope"));
        assertTrue(Files.isDirectory(data("first")));
    }

    @Test
    void theApiCreatesListsAndRemovesVolumesInDockersShapes() throws IOException {
        BerthCli.Result created = api("POST", "/volumes/create",
                "{\"Name\":\"wire\",\"Driver\":\"local\",\"DriverOpts\":{},"
                        + "\"Labels\":{\"a\":\"b\"}}");
        assertTrue(created.out().matches("\\{\"CreatedAt\":\"[^\"]+Z\",\"Driver\":\"local\","
                + "\"Labels\":\\{\"a\":\"b\"},\"Mountpoint\":\"" + data("wire") + "\","
                + "\"Name\":\"wire\",\"Options\":null,\"Scope\":\"local\"} 201"), created.out());
        BerthCli.Result listed = api("GET", "/volumes?filters=%7B%22label%22%3A%7B%22a%3Db%22"
                + "%3Atrue%7D%7D", null);
        assertTrue(listed.out().startsWith("{\"Volumes\":[{\"CreatedAt\""), listed.out());
        assertTrue(listed.out().endsWith("\"Name\":\"wire\",\"Options\":null,\"Scope\":"
                + "\"local\"}],\"Warnings\":null} 200"), listed.out());
        assertEquals("{\"message\":\"create bad: driver options are not supported yet (type):"
                + " Berth's local driver makes plain folders\"} 400", api("POST",
                "/volumes/create", "{\"Name\":\"bad\",\"DriverOpts\":{\"type\":\"tmpfs\"}}")
                .out());
        assertEquals(" 204", api("DELETE", "/volumes/nope?force=1", null).out());
        assertEquals("{\"message\":\"get nope: no such volume\"} 404",
                api("DELETE", "/volumes/nope", null).out());
        assertEquals(" 204", api("DELETE", "/volumes/wire", null).out());
        assertEquals(List.of(), volumeFolders());
    }

    @Test
    void badNamesAndDriverOptionsAreRefusedAndMakeNothing() throws IOException {
        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: create x: volume"
                + " name is too short, names should be at least two alphanumeric characters\n"),
                same("volume", "create", "x"));
        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: create a/b:"
                + " \"a/b\" includes invalid characters for a local volume name, only"
                + " \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host"
                + " directory, use absolute path\n"), same("volume", "create", "a/b"));
        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: create t1: driver"
                + " options are not supported yet (type): Berth's local driver makes plain"
                + " folders\n"), same("volume", "create", "-o", "type=tmpfs", "t1"));
        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: create t1: error"
                + " looking up volume plugin nfs: plugin \"nfs\" not found\n"),
                same("volume", "create", "-d", "nfs", "t1"));
        BerthCli.Result run = docker("run", "--rm", "--network", "none", "-v", "a/b:/x",
                "busybox", "true");
        assertEquals(125, run.code());
        assertTrue(run.err().contains("includes invalid characters for a local volume name"),
                run.err());
        assertEquals(List.of(), volumeFolders());
        assertEquals("", berth.run("volume", "ls", "-q").out());
    }

    @Test
    void aVolumeIsMadeOnFirstUseFilledFromTheImageAndOutlivesItsContainers()
            throws IOException {
        assertEquals(new BerthCli.Result(0, "root:x:0:0:root:/root:/bin/sh\n", ""), berth.run(
                "run", "--rm", "--network", "none", "-v", "etc:/etc", "busybox", "sh", "-c",
                "head -1 /etc/passwd; echo kept > /etc/mine"));
        assertTrue(Files.isRegularFile(data("etc").resolve("passwd")), "filled from the image");
        assertEquals("kept\n", Files.readString(data("etc").resolve("mine")));

        Files.delete(data("etc").resolve("passwd"));
        assertEquals(new BerthCli.Result(0, "kept\nno passwd\n", ""), docker("run", "--rm",
                "--network", "none", "-v", "etc:/etc", "busybox", "sh", "-c",
                "cat /etc/mine; test -e /etc/passwd || echo no passwd"),
                "a volume is filled only when new");

        BerthCli.Result ro = docker("run", "--rm", "--network", "none", "--mount",
                "type=volume,source=etc,target=/data,readonly", "busybox", "sh", "-c",
                "cat /data/mine; touch /data/x");
        assertEquals(1, ro.code());
        assertEquals("kept\n", ro.out());
        assertTrue(ro.err().contains("Read-only file system"), ro.err());
        assertEquals(0, berth.run("run", "--name", "user", "--network", "none", "--mount",
                "type=volume,source=fresh,target=/data", "busybox", "true").code());
        assertEquals("volume fresh " + data("fresh") + " /data true", berth.run("inspect",
                "--format", "{{range .Mounts}}{{.Type}} {{.Name}} {{.Source}} {{.Destination}}"
                        + " {{.RW}}{{end}}", "user").line());
        assertEquals(new BerthCli.Result(0, "user\n", ""), berth.run("rm", "-v", "user"));
        assertEquals("etc\nfresh\n", same("volume", "ls", "-q").out(), "rm -v keeps them");
    }

    @Test
    void aVolumeInUseIsNotRemovedAndPruneTakesNamedOnesOnlyWithAll() throws IOException {
        String holder = berth.run("create", "--network", "none", "-v", "held:/x", "-v", "/anon",
                "busybox", "true").line();
        BerthCli.Result rm = same("volume", "rm", "held");
        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: remove held:"
                + " volume is in use - [" + holder + "]\n"), rm);
        assertEquals("held\n", berth.run("volume", "ls", "-q", "-f", "dangling=false", "-f",
                "name=held").out());
        assertEquals(new BerthCli.Result(0, holder + "\n", ""), same("ps", "-aq", "--no-trunc",
                "--filter", "volume=held"));
        assertEquals(holder + "\n", same("ps", "-aq", "--no-trunc", "-f", "volume=/anon").out());
        assertEquals("", same("ps", "-aq", "-f", "volume=other").out());
        assertEquals(0, berth.run("volume", "create", "idle").code());
        assertEquals(new BerthCli.Result(0, "Total reclaimed space: 0B\n", ""),
                docker("volume", "prune", "-f"), "named and used volumes stay");
        assertEquals(0, berth.run("rm", holder).code());
        String anonymous = berth.run("volume", "ls", "-q", "--filter",
                "label=com.docker.volume.anonymous").line();
        assertEquals(new BerthCli.Result(0, "{\"com.docker.volume.anonymous\":\"\"}\n", ""),
                same("volume", "inspect", "-f", "{{json .Labels}}", anonymous));
        BerthCli.Result pruned = berth.run("volume", "prune", "-f");
        assertEquals(0, pruned.code());
        assertEquals("Deleted Volumes:\n" + anonymous + "\n\nTotal reclaimed space: 0B\n",
                pruned.out());
        assertEquals(List.of("held", "idle"), volumeFolders());
        assertEquals(new BerthCli.Result(0, "Deleted Volumes:\nheld\nidle\n\nTotal reclaimed"
                + " space: 0B\n", ""), docker("volume", "prune", "-a", "-f"));
        assertEquals(List.of(), volumeFolders());
        assertEquals(new BerthCli.Result(0, "held\n", ""), same("volume", "rm", "-f", "held"));
    }

    @Test
    void userNamespaceRootOwnsANewNamedVolume() throws IOException {
        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", "--userns=auto",
                "-v", "owned:/data", "busybox", "sh", "-c", "touch /data/f && stat -c '%u:%g'"
                        + " /data /data/f");
        assertEquals(new BerthCli.Result(0, "0:0\n0:0\n", ""), r);
        assertNotEquals(0, Files.getAttribute(data("owned"), "unix:uid"),
                "owned on the host by the container's mapped root");
    }

    @Test
    void systemPruneWithVolumesTakesTheAnonymousVolumesOfTheContainersItRemoves()
            throws IOException {
        assertEquals(0, berth.run("create", "--network", "none", "-v", "/anon", "-v",
                "kept:/k", "busybox", "true").code());
        assertEquals(2, volumeFolders().size());
        BerthCli.Result plain = berth.run("system", "prune", "-f");
        assertEquals(0, plain.code(), plain.err());
        assertEquals(2, volumeFolders().size(), "without --volumes the volumes stay");

        assertEquals(0, berth.run("create", "--network", "none", "-v", "kept:/k", "busybox",
                "true").code());
        BerthCli.Result pruned = berth.run("system", "prune", "-f", "--volumes");
        assertEquals(0, pruned.code(), pruned.err());
        assertTrue(pruned.out().matches("(?s)Deleted Containers:\\n[0-9a-f]{64}\\n\\n"
                + "Deleted Volumes:\\n[0-9a-f]{64}\\n\\n.*"), pruned.out());
        assertEquals(List.of("kept"), volumeFolders());
    }

    @Test
    void nocopyLeavesANewVolumeEmptyOnEveryFrontEnd() throws IOException {
        assertEquals(new BerthCli.Result(0, "empty\n", ""), berth.run("run", "--rm", "--network",
                "none", "-v", "bare1:/etc:nocopy", "busybox", "sh", "-c",
                "test -e /etc/passwd && echo filled || echo empty"));
        assertEquals(new BerthCli.Result(0, "empty\n", ""), docker("run", "--rm", "--network",
                "none", "--mount", "type=volume,source=bare2,target=/etc,volume-nocopy",
                "busybox", "sh", "-c", "test -e /etc/passwd && echo filled || echo empty"));
        assertEquals(new BerthCli.Result(0, "filled\n", ""), berth.run("run", "--rm", "--network",
                "none", "--mount", "type=volume,source=full,target=/etc", "busybox", "sh",
                "-c", "test -e /etc/passwd && echo filled || echo empty"));
        assertTrue(Files.notExists(data("bare1").resolve("passwd")));
        assertTrue(Files.notExists(data("bare2").resolve("passwd")));
        assertTrue(Files.exists(data("full").resolve("passwd")));
    }

    @Test
    void aCreateThatFailsUndoesTheVolumesItMadeAndNoOthers() throws IOException {
        assertEquals(0, berth.run("volume", "create", "older").code());
        Path blocker = Files.createDirectories(berth.root.resolve("volumes"))
                .resolve("blocked");
        Files.writeString(blocker, "a file where the volume's folder would go");
        try {
            BerthCli.Result r = berth.run("create", "--network", "none", "-v", "older:/o",
                    "-v", "made:/m", "-v", "blocked:/b", "busybox", "true");
            assertEquals(125, r.code(), r.toString());
            assertTrue(r.err().contains("blocked"), r.err());
            assertEquals("", berth.run("ps", "-aq").out());
            assertEquals("older\n", berth.run("volume", "ls", "-q").out());
            assertEquals(List.of("blocked", "older"), volumeFolders());
        } finally {
            Files.delete(blocker);
        }
    }

    @Test
    void theApisCreatesAndRemovalsAreVolumeEvents() {
        long since = java.time.Instant.now().getEpochSecond() - 1;
        assertEquals(0, docker("volume", "create", "evt1").code());
        assertEquals(0, docker("volume", "create", "evt2").code());
        assertEquals(0, docker("volume", "rm", "evt1").code());
        assertEquals(0, docker("volume", "rm", "-f", "never").code());
        assertEquals(0, docker("volume", "prune", "-a", "-f").code());
        long until = java.time.Instant.now().getEpochSecond() + 1;
        assertEquals(new BerthCli.Result(0, "volume create evt1 local\nvolume create evt2 local\n"
                + "volume destroy evt1 local\nvolume destroy evt2 local\n", ""), docker("events",
                "--since", Long.toString(since), "--until", Long.toString(until), "--filter",
                "type=volume", "--filter", "volume=evt1", "--filter", "volume=evt2", "--format",
                "{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.driver}}"));
        assertEquals("volume destroy evt2\n", docker("events", "--since", Long.toString(since),
                "--until", Long.toString(until), "--filter", "volume=evt2", "--filter",
                "event=destroy", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}}").out());
    }

    private static BerthCli.Result docker(String... args) {
        return berth.docker(socket, args);
    }
}
