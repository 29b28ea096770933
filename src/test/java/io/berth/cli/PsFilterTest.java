package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ps --filter on real containers, as docker's. */
@Tag("privileged")
class PsFilterTest {
    private static BerthCli berth;

    @BeforeAll
    static void start() {
        berth = BerthCli.withBusybox();
        assertEquals(0, berth.run("run", "-d", "--name", "up", "--network", "none", "--label",
                "tier=web", "busybox", "sleep", "60").code());
        assertEquals(3, berth.run("run", "--name", "done", "--network", "none", "--label",
                "tier=db", "busybox", "sh", "-c", "exit 3").code());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    private static String names(String... filters) {
        String[] line = new String[filters.length * 2 + 3];
        line[0] = "ps";
        line[1] = "--format";
        line[2] = "{{.Names}}";
        for (int i = 0; i < filters.length; i++) {
            line[3 + 2 * i] = "--filter";
            line[4 + 2 * i] = filters[i];
        }
        BerthCli.Result r = berth.run(line);
        assertEquals(0, r.code(), r.err());
        return String.join(",", r.out().strip().lines().sorted().toList());
    }

    @Test
    void filtersPickByStatusNameLabelAncestorAndExitCode() {
        assertEquals("done", names("status=exited"), "a status filter lists stopped ones");
        assertEquals("up", names("label=tier=web"));
        assertEquals("done,up", names("label=tier", "status=running", "status=exited"));
        assertEquals("up", names("name=u"));
        assertEquals("up", names("name=^up$"), "a regular expression, as docker's");
        assertEquals("", names("name=^u$"));
        assertEquals("done", names("exited=3"));
        assertEquals("", names("exited=0"));
        assertEquals("up", names("ancestor=busybox"), "running ones only without -a");
        assertEquals("up", names("ancestor=busybox:latest"));
    }

    @Test
    void aBadFilterIsOneLineAndExitCodeOne() {
        BerthCli.Result bogus = berth.run("ps", "--filter", "colour=red");
        assertEquals(new BerthCli.Result(1, "", "Error: invalid filter 'colour'\n"), bogus);
        BerthCli.Result status = berth.run("ps", "-f", "status=sleepy");
        assertEquals(new BerthCli.Result(1, "", "Error: invalid filter 'status=sleepy'\n"),
                status);
        assertEquals(1, berth.run("ps", "-f", "nonsense").code());
        assertEquals("Error: invalid filter 'exited=abc'\n",
                berth.run("ps", "-f", "exited=abc").err());
    }

    @Test
    void latestLastAndContainerLsListAsDockerDoes() {
        assertEquals("done\n", berth.run("ps", "-l", "--format", "{{.Names}}").out());
        assertEquals("done\nup\n", berth.run("ps", "-n", "2", "--format", "{{.Names}}").out());
        assertEquals("up\n", berth.run("container", "ls", "--format", "{{.Names}}").out());
        assertEquals(berth.run("ps", "-a"), berth.run("container", "list", "-a"));
        assertEquals(berth.run("ps", "-a", "-q"), berth.run("container", "ps", "-a", "-q"));
    }
}
