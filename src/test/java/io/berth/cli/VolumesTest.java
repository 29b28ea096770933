package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Bind mounts with -v and --mount, on real containers. */
@Tag("privileged")
class VolumesTest {
    private static BerthCli berth;
    private static Path host;

    @BeforeAll
    static void start() throws IOException {
        berth = BerthCli.withBusybox();
        host = Files.createDirectories(berth.dir.resolve("host"));
        Files.writeString(host.resolve("greeting"), "hello\n");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    @Test
    void aBindShowsTheHostFolderAndTakesWrites() throws IOException {
        BerthCli.Result r = berth.run("run", "--rm", "--network", "none", "-v", host + ":/data",
                "busybox", "sh", "-c", "cat /data/greeting; echo back > /data/reply");
        assertEquals(new BerthCli.Result(0, "hello\n", ""), r);
        assertEquals("back\n", Files.readString(host.resolve("reply")));
    }

    @Test
    void readOnlyBindsRefuseWrites() {
        BerthCli.Result ro = berth.run("run", "--rm", "--network", "none", "-v", host
                + ":/data:ro", "busybox", "sh", "-c", "echo x > /data/nope");
        assertEquals(1, ro.code());
        assertTrue(ro.err().contains("Read-only file system"), ro.err());
        BerthCli.Result mount = berth.run("run", "--rm", "--network", "none", "--mount",
                "type=bind,source=" + host + ",target=/m,readonly", "busybox", "sh", "-c",
                "cat /m/greeting && ! touch /m/nope 2>/dev/null");
        assertEquals(new BerthCli.Result(0, "hello\n", ""), mount);
        assertTrue(Files.notExists(host.resolve("nope")));
    }

    @Test
    void inspectShowsTheMountsAndAMissingHostFolderIsMadeAtStart() {
        Path fresh = berth.dir.resolve("made-at-start");
        assertEquals(0, berth.run("create", "--name", "binder", "--network", "none", "-v",
                fresh + ":/n:ro", "busybox", "true").code());
        assertEquals("bind " + fresh + " /n false [" + fresh + ":/n:ro]", berth.run("inspect",
                "--format", "{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}}"
                        + "{{end}} {{.HostConfig.Binds}}", "binder").line());
        assertTrue(Files.notExists(fresh), "made when the container starts, as docker does");
        assertEquals(0, berth.run("start", "-a", "binder").code());
        assertTrue(Files.isDirectory(fresh));
        assertEquals(0, berth.run("rm", "binder").code());
    }

    @Test
    void badBindsAreRefusedAtCreateAndLeaveNothing() {
        for (String[] args : new String[][] {
                {"-v", "a/b:/x"}, {"-v", "v:/x"}, {"-v", "good:/x", "-v", "a/b:/y"},
                {"-v", host + ":relative"}, {"-v", host + ":/"},
                {"-v", host + ":/x:bogus"}, {"-v", host + ":/x", "-v", host + ":/x"},
                {"--mount", "type=volume,source=/abs,target=/x"},
                {"--mount", "type=volume,target=/x,readonly"},
                {"--mount", "type=bind,source=" + berth.dir.resolve("absent") + ",target=/x"}}) {
            String[] line = new String[args.length + 3];
            line[0] = "create";
            System.arraycopy(args, 0, line, 1, args.length);
            line[args.length + 1] = "busybox";
            line[args.length + 2] = "true";
            BerthCli.Result r = berth.run(line);
            assertEquals(125, r.code(), String.join(" ", args) + ": " + r);
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertEquals("", berth.run("ps", "-a", "-q").out());
        assertEquals("", berth.run("volume", "ls", "-q").out(), "no volume made for a refusal");
    }
}
