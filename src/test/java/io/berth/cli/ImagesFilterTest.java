package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `images --filter` on real images: the busybox fixture (built in 2023), and two imported
 * now, one labelled and tagged twice, one untagged.
 */
@Tag("privileged")
class ImagesFilterTest {
    private static final String NAMES = "{{.Repository}}:{{.Tag}}";
    private static BerthCli berth;
    private static String untagged;

    @BeforeAll
    static void start() throws Exception {
        berth = BerthCli.withBusybox();
        Path tree = Files.createDirectories(berth.dir.resolve("tree"));
        Files.writeString(tree.resolve("f"), "hi\n");
        Path tar = berth.dir.resolve("tree.tar");
        BerthCli.exec("tar", "-C", tree.toString(), "-cf", tar.toString(), ".");
        assertEquals(0, berth.run("import", "--change", "LABEL tier=app", tar.toString(),
                "localhost:5000/team/app:1").code());
        assertEquals(0, berth.run("tag", "localhost:5000/team/app:1", "app:2").code());
        Files.writeString(tree.resolve("f"), "other\n");
        BerthCli.exec("tar", "-C", tree.toString(), "-cf", tar.toString(), ".");
        untagged = berth.run("import", tar.toString()).line();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    private static String images(String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "images";
        command[1] = "--format";
        command[2] = NAMES;
        System.arraycopy(args, 0, command, 3, args.length);
        BerthCli.Result r = berth.run(command);
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    @Test
    void danglingTrueShowsTheUntaggedImageAlone() {
        BerthCli.Result r = berth.run("images", "-q", "--no-trunc", "-f", "dangling=true");
        assertEquals(untagged + "\n", r.out(), r.err());
        assertEquals("app:2\nbusybox:latest\nlocalhost:5000/team/app:1\n",
                sorted(images("--filter", "dangling=false")));
    }

    @Test
    void referenceGlobsShowOnlyTheTagsTheyMatch() {
        assertEquals("app:2\n", images("-f", "reference=app"));
        assertEquals("localhost:5000/team/app:1\n", images("-f", "reference=*/*/app:*"));
        assertEquals("app:2\nbusybox:latest\n", sorted(images("-f", "reference=app",
                "-f", "reference=busy*")));
    }

    @Test
    void labelBeforeAndSinceCombine() {
        assertEquals("app:2\nlocalhost:5000/team/app:1\n", sorted(images("-f",
                "label=tier=app")));
        assertEquals("busybox:latest\n", images("-f", "before=app:2"));
        assertEquals("<none>:<none>\napp:2\nlocalhost:5000/team/app:1\n",
                sorted(images("-f", "since=busybox")));
        assertEquals("app:2\nlocalhost:5000/team/app:1\n", sorted(images("-f", "since=busybox",
                "-f", "label=tier")));
    }

    @Test
    void anUnknownFilterOrImageIsAOneLineError() {
        BerthCli.Result r = berth.run("images", "-f", "size=1");
        assertNotEquals(0, r.code());
        assertEquals("invalid filter 'size'", r.err().strip().replaceFirst("^[^:]*: ", ""),
                r.err());
        r = berth.run("images", "-f", "since=nosuch:1");
        assertNotEquals(0, r.code());
        assertTrue(r.err().strip().endsWith("No such image: nosuch:1"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private static String sorted(String lines) {
        return lines.lines().sorted().map(l -> l + "\n").reduce("", String::concat);
    }
}
