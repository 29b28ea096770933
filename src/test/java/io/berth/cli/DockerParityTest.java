package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.api.ApiService;
import io.berth.engine.EngineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Differences from docker that fresh users found, each checked on the berth CLI and, where the
 * docker CLI decides what is printed, against the real docker CLI 28 talking to Berth's API
 * service on the same root.
 */
@Tag("privileged")
class DockerParityTest {
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

    /** The docker CLI on this test's service. */
    private static BerthCli.Result docker(String... args) {
        return berth.docker(socket, args);
    }

    /** The same command line through docker and through berth: the same output and code. */
    private static BerthCli.Result same(String... args) {
        BerthCli.Result viaDocker = docker(args);
        BerthCli.Result viaBerth = berth.run(args);
        assertEquals(viaDocker, viaBerth, String.join(" ", args));
        return viaBerth;
    }

    @Test
    void anUnknownFieldFailsAsDockersInspectAndPsDoWhileAMissingMapKeyPrintsNoValue() {
        assertEquals(0, berth.run("create", "--name", "fields", "--network", "none", "busybox",
                "true").code());

        assertEquals(new BerthCli.Result(1, "\n", "template parsing error: template: :1:2: "
                + "executing \"\" at <.Nope>: map has no entry for key \"Nope\"\n"),
                same("inspect", "--format", "{{.Nope}}", "fields"));
        assertEquals(new BerthCli.Result(0, "<no value>\n", ""),
                same("inspect", "--format", "{{.Config.Labels.nope}}", "fields"));
        same("inspect", "--format", "{{.Name}} {{.State.Nope}}", "fields");
        same("inspect", "--format", "{{.HostConfig.LogConfig.Config.nope}}", "fields");
        same("inspect", "--format", "{{.Nope", "fields");

        assertEquals(new BerthCli.Result(1, "", "failed to execute template: template: :1:2: "
                + "executing \"\" at <.Nope>: can't evaluate field Nope in type "
                + "*formatter.ContainerContext\n"), same("ps", "-a", "--format", "{{.Nope}}"));
        same("ps", "-a", "--format", "{{.Labels.nope}}");
        same("ps", "-a", "--format", "{{.Names}} {{.LocalVolumes}} {{.Label \"x\"}}");
        assertEquals(0, berth.run("rm", "fields").code());
    }

    @Test
    void listsAndImageInspectFailOnAnUnknownFieldAndIndexGivesAMissingLabelAsEmpty() {
        assertEquals(0, berth.run("create", "--name", "rows", "--network", "none", "-v",
                "/data", "--label", "a=b", "busybox", "true").code());

        String error = "template parsing error: template: :1:2: executing \"\" at <.Nope>: "
                + "can't evaluate field Nope in type ";
        assertEquals(new BerthCli.Result(1, "", error + "*formatter.imageContext\n"),
                same("images", "--format", "{{.Nope}}"));
        assertEquals(new BerthCli.Result(1, "", error + "*network.networkContext\n"),
                same("network", "ls", "--format", "{{.Nope}}"));
        assertEquals(new BerthCli.Result(1, "", error + "*formatter.volumeContext\n"),
                same("volume", "ls", "--format", "{{.Nope}}"));
        assertEquals(new BerthCli.Result(1, "", error + "*container.statsContext\n"),
                same("stats", "--no-stream", "--format", "{{.Nope}}", "rows"));
        assertEquals(new BerthCli.Result(1, "", error + "*image.historyContext\n"),
                same("history", "--format", "{{.Nope}}", "busybox"));
        assertEquals(new BerthCli.Result(1, "\n", "template parsing error: template: :1:2: "
                + "executing \"\" at <.Nope>: map has no entry for key \"Nope\"\n"),
                same("image", "inspect", "-f", "{{.Nope}}", "busybox"));

        assertEquals(new BerthCli.Result(1, "", "failed to execute template: template: :1:2: "
                + "executing \"\" at <.Label>: wrong number of args for Label: want 1 got 0\n"),
                same("ps", "-a", "--format", "{{.Label}}"));
        assertEquals(new BerthCli.Result(0, "|b\n", ""), same("inspect", "-f",
                "{{index .Config.Labels \"zz\"}}|{{index .Config.Labels \"a\"}}", "rows"));
        assertEquals(new BerthCli.Result(0, "|<no value>\n", ""), same("image", "inspect", "-f",
                "{{index .Config.Labels \"zz\"}}|{{.Config.Labels.zz}}", "busybox"));
        assertEquals(0, berth.run("rm", "-v", "rows").code());
    }

    /**
     * docker runs inspect's template on its typed values first, where a field the JSON left
     * out or null is still there with Go's zero value: a nil slice prints [], a nil map
     * map[], and both are null to the json function. The fixture image has no Env,
     * Entrypoint or Labels; a container of it has no Env or binds.
     */
    @Test
    void inspectShowsUnsetListsAndMapsAsDockersTypedValuesDo() {
        assertEquals(0, berth.run("create", "--name", "zeros", "--network", "none", "busybox",
                "true").code());

        assertEquals(new BerthCli.Result(0, "[] [] [sh] map[] map[] [] false\n", ""),
                same("image", "inspect", "-f", "{{.Config.Env}} {{.Config.Entrypoint}} "
                        + "{{.Config.Cmd}} {{.Config.Labels}} {{.Config.Volumes}} "
                        + "{{.Config.Shell}} {{.Config.ArgsEscaped}}", "busybox"));
        assertEquals(new BerthCli.Result(0, "null null null 0 no\n", ""), same("image",
                "inspect", "-f", "{{json .Config.Env}} {{json .Config.Entrypoint}} "
                        + "{{json .Config.Labels}} {{len .Config.Env}} "
                        + "{{if .Config.Env}}yes{{else}}no{{end}}", "busybox"));
        assertEquals(new BerthCli.Result(0, "[] [] map[] map[] [] [] [] [0 0]\n", ""),
                same("inspect", "-f", "{{.Config.Env}} {{.Config.Entrypoint}} "
                        + "{{.Config.Volumes}} {{.Config.ExposedPorts}} {{.HostConfig.Binds}} "
                        + "{{.HostConfig.CapAdd}} {{.ExecIDs}} {{.HostConfig.ConsoleSize}}",
                        "zeros"));
        assertEquals(new BerthCli.Result(0, "null null null\n", ""), same("inspect", "-f",
                "{{json .Config.Env}} {{json .HostConfig.Binds}} {{json .Config.Volumes}}",
                "zeros"));
        same("container", "inspect", "-f", "{{.Config.Env}}|{{.Config.Labels}}", "zeros");
        assertEquals(0, berth.run("rm", "zeros").code());
    }

    /**
     * `container inspect` and `image inspect` name the kind they looked for; plain inspect
     * says "object". The docker CLI 28 prints the daemon's words for the first two, which
     * Berth's CLI prints after "Error: ", as it does for every other verb.
     */
    @Test
    void inspectOfANameNotFoundNamesTheKindItLookedFor() {
        assertEquals(new BerthCli.Result(1, "[]\n", "Error: No such container: nosuch\n"),
                berth.run("container", "inspect", "nosuch"));
        assertEquals(new BerthCli.Result(1, "[]\n",
                "Error response from daemon: No such container: nosuch\n"),
                docker("container", "inspect", "nosuch"));
        assertEquals(new BerthCli.Result(1, "[]\n", "Error: No such image: nosuch\n"),
                berth.run("image", "inspect", "nosuch"));
        assertEquals(new BerthCli.Result(1, "[]\n", "Error: No such object: nosuch\n"),
                same("inspect", "nosuch"));
        assertEquals(new BerthCli.Result(1, "\n", "Error: No such container: busybox\n"),
                berth.run("container", "inspect", "-f", "{{.Id}}", "busybox"));
        assertEquals(new BerthCli.Result(1, "[]\n", "Error: No such image: nosuch\n"),
                berth.run("inspect", "--type", "image", "nosuch"));
    }

    /**
     * dockerd reads `-v /x:ro` as a path and a mode with no destination, and refuses it as an
     * invalid specification with no reason given; the docker CLI passes it on as a bind.
     */
    @Test
    void aVolumeOfAPathAndAModeIsAnInvalidSpecificationAsInDockerd() {
        for (String spec : List.of("/x:ro", "/x:rw,z")) {
            assertEquals(new BerthCli.Result(125, "", "Error: invalid volume specification: '"
                    + spec + "'\n"), berth.run("run", "--rm", "-v", spec, "busybox", "true"));
            BerthCli.Result viaDocker = docker("run", "--rm", "-v", spec, "busybox", "true");
            assertEquals(125, viaDocker.code());
            assertTrue(viaDocker.err().startsWith("docker: Error response from daemon: invalid "
                    + "volume specification: '" + spec + "'\n"), viaDocker.err());
        }
    }

    /** GET /images/{name}/history serves the docker CLI the steps berth history shows. */
    @Test
    void historyThroughTheApiShowsWhatBerthHistoryShows() {
        BerthCli.Result table = same("history", "busybox");
        assertEquals(0, table.code());
        assertTrue(table.out().startsWith("IMAGE          CREATED "), table.out());
        assertTrue(table.out().contains("busybox-static rootfs"), table.out());
        same("history", "--no-trunc", "busybox");
        BerthCli.Result plain = same("history", "-H=false", "busybox");
        assertTrue(plain.out().startsWith("IMAGE          CREATED AT "), plain.out());
        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: No such image: "
                + "nosuchimage\n"), docker("history", "nosuchimage"));
        assertEquals(same("images", "-q", "busybox").out(), same("history", "-q", "busybox")
                .out());
    }

    /**
     * The API's stats carry networks per interface as dockerd's do, so docker stats shows the
     * NET I/O that berth stats shows. The container pings its own bridge's gateway, an address
     * of this test's network, so that its eth0 counts packets both ways.
     */
    @Test
    void apiStatsCountTheContainersNetworkTrafficAsBerthStatsDoes() {
        assertEquals(0, berth.run("run", "-d", "--name", "talker", "busybox", "sh", "-c",
                "ping -c 3 -W 1 -q $(ip route | awk '/default/ {print $3}'); sleep 60").code());
        try {
            String viaBerth = "";
            for (int i = 0; i < 50 && !viaBerth.matches("[1-9].* / [1-9].*"); i++) {
                viaBerth = berth.run("stats", "--no-stream", "--format", "{{.NetIO}}",
                        "talker").line();
                sleepBriefly();
            }
            assertTrue(viaBerth.matches("[1-9].* / [1-9].*"), viaBerth);
            BerthCli.Result viaDocker = docker("stats", "--no-stream", "--format",
                    "{{.NetIO}}", "talker");
            assertEquals(0, viaDocker.code(), viaDocker.err());
            assertTrue(viaDocker.out().strip().matches("[1-9].* / [1-9].*"), viaDocker.out());
        } finally {
            assertEquals(0, berth.run("rm", "-f", "talker").code());
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The docker CLI 28 sends --tail as it is, unchecked, and dockerd reads a value that is not
     * a number as "all" (strconv.Atoi fails, tail becomes -1): `docker logs --tail abc` shows
     * every line and exits 0. The berth CLI and Berth's service read it the same way.
     */
    @Test
    void logsTailTakesANumberAndReadsAnythingElseAsAllAsDockerdDoes() {
        assertEquals(0, berth.run("run", "--name", "tails", "--network", "none", "busybox",
                "sh", "-c", "echo a; echo b; echo c").code());

        assertEquals(new BerthCli.Result(0, "a\nb\nc\n", ""), same("logs", "--tail", "all",
                "tails"));
        assertEquals(new BerthCli.Result(0, "a\nb\nc\n", ""), same("logs", "--tail", "-1",
                "tails"));
        assertEquals(new BerthCli.Result(0, "b\nc\n", ""), same("logs", "--tail", "2", "tails"));
        assertEquals(new BerthCli.Result(0, "b\nc\n", ""), same("logs", "--tail", "+2", "tails"));
        assertEquals(new BerthCli.Result(0, "", ""), same("logs", "-n", "0", "tails"));
        // Go's Atoi takes ASCII digits only (U+0662 is an Arabic-Indic two) within 64 bits.
        for (String all : new String[] {"abc", "1.5", " 2", "", "0x2", "-5", "\u0662",
            "99999999999999999999"}) {
            assertEquals(new BerthCli.Result(0, "a\nb\nc\n", ""), same("logs", "--tail", all,
                    "tails"), "read as all: " + all);
        }
        assertEquals(0, berth.run("rm", "tails").code());
    }

    @Test
    void psSizeShowsTheWritableLayerAndTheVirtualTotal() {
        assertEquals(0, berth.run("run", "--name", "sized", "--network", "none", "busybox",
                "sh", "-c", "printf hello > /greeting").code());
        long image = Long.parseLong(berth.run("image", "inspect", "--format", "{{.Size}}",
                "busybox").line());
        String expected = "5B (virtual " + ImageCommands.humanSize(image + 5) + ")";

        assertEquals(new BerthCli.Result(0, "sized\t" + expected + "\n", ""), same("ps", "-a",
                "--filter", "name=sized", "--format", "{{.Names}}\t{{.Size}}"));
        same("ps", "-a", "-s", "--filter", "name=sized", "--format", "table {{.Names}}\t{{.Size}}");
        List<String> table = berth.run("ps", "-a", "-s", "--filter", "name=sized").out()
                .lines().toList();
        assertEquals(2, table.size(), table.toString());
        assertTrue(table.get(0).endsWith("NAMES     SIZE"), table.get(0));
        assertTrue(table.get(1).endsWith("sized     " + expected), table.get(1));
        assertEquals("0B", berth.run("ps", "-a", "--filter", "name=sized", "--format",
                "{{json .}}").line().replaceAll(".*\"Size\":\"([^\"]*)\".*", "$1"),
                "not measured unless asked");
        assertEquals(0, berth.run("rm", "sized").code());
    }

    @Test
    void exposedPortsShowInInspectAndArePublishedByPublishAll() {
        String exposed = "{\"7000/tcp\":{},\"7100/udp\":{},\"7101/udp\":{}}";
        for (String name : new String[] {"exposed-cli", "exposed-api"}) {
            String[] run = {"run", "-d", "--name", name, "--expose", "7000", "--expose",
                    "7100-7101/udp", "--expose", "7000/tcp", "-P", "busybox", "sleep", "60"};
            BerthCli.Result started = name.endsWith("cli") ? berth.run(run) : docker(run);
            assertEquals(0, started.code(), started.err());
            assertEquals(exposed, berth.run("inspect", "--format", "{{json .Config.ExposedPorts}}",
                    name).line());
            List<String> ports = berth.run("port", name).out().lines().map(l -> l.split(" ")[0])
                    .sorted().toList();
            assertEquals(List.of("7000/tcp", "7100/udp", "7101/udp"), ports, name);
            assertEquals(0, berth.run("rm", "-f", name).code());
        }

        String before = berth.run("ps", "-aq").out();
        for (String bad : new String[] {"70000", "80:80", "8000-7000", "80/xtp", "http"}) {
            BerthCli.Result r = berth.run("create", "--expose", bad, "busybox", "true");
            assertEquals(125, r.code(), bad);
            assertTrue(r.err().startsWith("Error: invalid "), r.err());
        }
        assertEquals(before, berth.run("ps", "-aq").out(), "nothing made");
        assertEquals("map[]", berth.run("create", "--name", "unexposed", "--network",
                "none", "busybox", "true").code() == 0 ? berth.run("inspect", "--format",
                "{{.Config.ExposedPorts}}", "unexposed").line() : "create failed");
        assertEquals(0, berth.run("rm", "unexposed").code());
    }

    @Test
    void publishingOnTheHostNetworkWarnsAndRunsAsDockerDoes() {
        String warning = "WARNING: Published ports are discarded when using host network mode\n";
        assertEquals(new BerthCli.Result(0, "hi\n", warning), same("run", "--rm", "--network",
                "host", "-p", "8080:80", "busybox", "echo", "hi"));
        BerthCli.Result none = berth.run("create", "--network", "none", "-p", "8080:80",
                "busybox", "true");
        assertEquals(125, none.code(), "other modes still refuse: " + none);
    }

    @Test
    void anAnonymousVolumeOutlivesRmButNotRmVOrPrune() throws IOException {
        for (String name : new String[] {"anon-cli", "anon-api"}) {
            String[] run = {"run", "--name", name, "--network", "none", "-v", "/data",
                    "busybox", "sh", "-c", "echo kept > /data/f"};
            BerthCli.Result r = name.endsWith("cli") ? berth.run(run) : docker(run);
            assertEquals(0, r.code(), r.err());
            String volume = berth.run("inspect", "--format", "{{range .Mounts}}{{.Type}} "
                    + "{{.Name}} {{.Source}} {{.Destination}} {{.RW}}{{end}}", name).line();
            String[] fields = volume.split(" ");
            assertEquals("volume", fields[0], volume);
            assertTrue(fields[1].matches("[0-9a-f]{64}"), volume);
            Path data = berth.root.resolve("volumes").resolve(fields[1]).resolve("_data");
            assertEquals(data + " /data true", fields[2] + " " + fields[3] + " " + fields[4]);
            assertEquals("kept\n", Files.readString(data.resolve("f")));
            assertEquals("{\"/data\":{}} 1", berth.run("inspect", "--format",
                    "{{json .Config.Volumes}}", name).line() + " " + berth.run("ps", "-a",
                    "--filter", "name=" + name, "--format", "{{.LocalVolumes}}").line());

            assertTrue(same("volume", "ls").out().contains("local     " + fields[1] + "\n"));
            BerthCli.Result inUse = same("volume", "rm", fields[1]);
            assertEquals(1, inUse.code());
            assertTrue(inUse.err().startsWith("Error response from daemon: remove " + fields[1]
                    + ": volume is in use - ["), inUse.err());

            if (name.endsWith("cli")) {
                assertEquals(0, berth.run("rm", name).code());
                assertTrue(Files.isDirectory(data), "plain rm keeps the volume");
                assertEquals(new BerthCli.Result(0, "Deleted Volumes:\n" + fields[1]
                        + "\n\nTotal reclaimed space: 5B\n", ""),
                        berth.run("volume", "prune", "-f"));
            } else {
                assertEquals(0, docker("rm", "-v", name).code());
            }
            assertTrue(Files.notExists(data.getParent()), name + ": the volume is gone");
        }

        assertEquals(0, berth.run("run", "--rm", "--network", "none", "-v", "/scratch",
                "busybox", "true").code());
        assertEquals(new BerthCli.Result(0, "", ""), same("volume", "ls", "-q"),
                "--rm takes its anonymous volumes along");
        BerthCli.Result bad = berth.run("create", "-v", "relative", "busybox", "true");
        assertEquals(125, bad.code(), bad.toString());
        assertEquals("", berth.run("volume", "ls", "-q").out());
        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: get nope: no such "
                + "volume\n"), same("volume", "rm", "nope"));
    }

    @Test
    void statsOfAStoppedContainerIsARowOfZeros() {
        assertEquals(0, berth.run("create", "--name", "resting", "--network", "none", "busybox",
                "true").code());
        BerthCli.Result stats = same("stats", "--no-stream", "resting");
        List<String> lines = stats.out().lines().toList();
        assertEquals(2, lines.size(), stats.toString());
        assertTrue(lines.get(1).matches("[0-9a-f]{12} +resting +0\\.00% +0B / 0B +0\\.00% "
                + "+0B / 0B +0B / 0B +0"), lines.get(1));
        assertEquals(new BerthCli.Result(0, "resting 0.00% 0B / 0B 0\n", ""), same("stats",
                "--no-stream", "--format", "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}",
                "resting"));
        assertEquals(0, berth.run("rm", "resting").code());
    }

    @Test
    void execAndPauseOfAPausedContainerAreRefusedInDockersWords() {
        String id = berth.run("run", "-d", "--name", "frozen", "--network", "none", "busybox",
                "sleep", "120").line();
        assertEquals(0, berth.run("pause", "frozen").code());

        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: Container frozen is "
                + "paused, unpause the container before exec\n"), same("exec", "frozen", "true"));
        assertEquals(new BerthCli.Result(1, "", "Error response from daemon: Container " + id
                + " is already paused\n"), same("pause", "frozen"));
        assertEquals("paused", berth.run("inspect", "--format", "{{.State.Status}}", "frozen")
                .line());
        assertEquals(0, berth.run("unpause", "frozen").code());
        assertEquals(new BerthCli.Result(0, "ok\n", ""), same("exec", "frozen", "echo", "ok"));
        assertEquals(0, berth.run("rm", "-f", "frozen").code());
    }

    /** docker top passes what follows the container to the host's ps, as ps_args. */
    @Test
    void topTakesPsOptionsAndPrintsAsTheDockerCliDoes() {
        assertEquals(0, berth.run("run", "-d", "--name", "topped", "busybox", "sh", "-c",
                "sleep 601 & exec sleep 602").code());
        try {
            for (String[] psArgs : List.of(new String[] {}, new String[] {"-o", "pid,args"},
                    new String[] {"-o", "pid,ppid,comm"})) {
                List<String> cli = new ArrayList<>(List.of("top", "topped"));
                cli.addAll(List.of(psArgs));
                BerthCli.Result ours = berth.run(cli.toArray(String[]::new));
                BerthCli.Result theirs = docker(cli.toArray(String[]::new));
                assertEquals(0, theirs.code(), theirs.err());
                assertEquals(theirs, ours, String.join(" ", psArgs));
                assertEquals(3, ours.out().lines().count(), "a header and two processes");
            }
            List<String> rows = berth.run("top", "topped", "-o", "pid,args").out().lines()
                    .toList();
            assertEquals("PID", rows.get(0).split("\\s+")[0]);
            assertTrue(rows.get(0).contains("COMMAND"), rows.get(0));
            assertTrue(rows.stream().anyMatch(r -> r.endsWith("sleep 601")), rows.toString());
            assertTrue(rows.stream().anyMatch(r -> r.endsWith("sleep 602")), rows.toString());

            BerthCli.Result noPid = berth.run("top", "topped", "-o", "comm");
            assertEquals(1, noPid.code());
            assertEquals("Error: Couldn't find PID field in ps output\n", noPid.err());
            assertEquals(1, docker("top", "topped", "-o", "comm").code());
        } finally {
            berth.run("rm", "-f", "topped");
        }
    }

    @Test
    void statsAllShowsStoppedContainersAndNoTruncTheirWholeIds() {
        assertEquals(0, berth.run("run", "-d", "--name", "statsup", "busybox", "sleep", "600")
                .code());
        assertEquals(0, berth.run("create", "--name", "statsdown", "busybox", "true").code());
        try {
            String[] running = {"stats", "--no-stream", "--format", "{{.Name}}"};
            assertEquals(docker(running), berth.run(running));
            assertEquals("statsup\n", berth.run(running).out());
            String[] all = {"stats", "-a", "--no-stream", "--format", "{{.Name}} {{.CPUPerc}}"};
            BerthCli.Result ours = berth.run(all);
            assertTrue(ours.out().contains("statsdown 0.00%\n"), ours.out());
            assertTrue(ours.out().contains("statsup "), ours.out());
            assertEquals(2, ours.out().lines().count());
            assertEquals(2, docker(all).out().lines().count());
            String id = berth.run("inspect", "--format", "{{.Id}}", "statsdown").line();
            assertEquals(id + "\n", berth.run("stats", "-a", "--no-stream", "--no-trunc",
                    "--format", "{{.ID}}", "statsdown").out());
            assertEquals(docker("stats", "-a", "--no-stream", "--no-trunc", "--format", "{{.ID}}",
                    "statsdown"), berth.run("stats", "-a", "--no-stream", "--no-trunc",
                    "--format", "{{.ID}}", "statsdown"));
        } finally {
            berth.run("rm", "-f", "statsup", "statsdown");
        }
    }

    @Test
    void groupAddJoinsGroupsByNameOrNumberOnTopOfTheUsersOwn() {
        String[] run = {"run", "--rm", "--group-add", "daemon", "--group-add", "1234", "busybox",
            "id", "-G"};
        assertEquals(new BerthCli.Result(0, "0 1 1234\n", ""), berth.run(run));
        assertEquals(berth.run(run), docker(run), "the same through the API");
        assertEquals("1000 65534\n", berth.run("run", "--rm", "-u", "1000", "--group-add",
                "nogroup", "busybox", "id", "-G").out());

        assertEquals(0, berth.run("create", "--name", "grouped", "--group-add", "1234",
                "busybox", "true").code());
        try {
            assertEquals("[\"1234\"]", berth.run("inspect", "--format",
                    "{{json .HostConfig.GroupAdd}}", "grouped").line());
            assertEquals(docker("inspect", "--format", "{{.HostConfig.GroupAdd}}", "grouped"),
                    berth.run("inspect", "--format", "{{.HostConfig.GroupAdd}}", "grouped"));
        } finally {
            berth.run("rm", "-f", "grouped");
        }

        BerthCli.Result unknown = berth.run("run", "--rm", "--group-add", "nosuch", "busybox",
                "true");
        assertEquals(125, unknown.code());
        assertTrue(unknown.err().contains(
                "unable to find group nosuch: no matching entries in group file"), unknown.err());
        assertEquals("", berth.run("ps", "-aq").out(), "nothing left of the failed run");
    }
}
