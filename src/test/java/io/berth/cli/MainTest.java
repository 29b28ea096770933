package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** How Main picks the one command a call needs; no engine is opened. */
class MainTest {
    private static final CommandSpec ROOT = new CommandLine(new Main()).getCommandSpec();

    @Test
    void everyVerbIsTheNameItsCommandClassDeclares() {
        for (Map.Entry<String, Class<?>> verb : Main.COMMANDS.entrySet()) {
            Command command = verb.getValue().getAnnotation(Command.class);
            assertEquals(verb.getKey(), command.name(), verb.getValue().getName());
        }
    }

    @Test
    void theVerbIsTheFirstWordAfterTheGlobalOptionsAndTheirValues() {
        assertEquals("run", Main.verb(ROOT, "run", "--rm", "busybox", "true"));
        assertEquals("ps", Main.verb(ROOT, "--root", "/r", "--runroot", "/rr", "ps", "-a"));
        assertEquals("images", Main.verb(ROOT, "--root=/r", "--log-level", "debug", "images"));
    }

    @Test
    void containerBeforeAVerbIsDockersManagementFormOfThatVerb() {
        assertEquals(List.of("--root", "/r", "inspect", "--type=container", "-f", "{{.Name}}",
                "web"),
                List.of(Main.withoutContainerWord(new String[] {"--root", "/r", "container",
                    "inspect", "-f", "{{.Name}}", "web"})));
        assertEquals(List.of("rm", "-f", "container"), List.of(Main.withoutContainerWord(
                new String[] {"container", "rm", "-f", "container"})));
        // The group's own verbs, a value that is the word, and a container named so stay.
        assertEquals(List.of("container", "prune", "-f"), List.of(Main.withoutContainerWord(
                new String[] {"container", "prune", "-f"})));
        assertEquals(List.of("--root", "container", "ps"), List.of(Main.withoutContainerWord(
                new String[] {"--root", "container", "ps"})));
        assertEquals(List.of("logs", "container"), List.of(Main.withoutContainerWord(
                new String[] {"logs", "container"})));
    }

    @Test
    void anOptionsValueThatLooksLikeAVerbIsNotTheVerb() {
        assertEquals("ps", Main.verb(ROOT, "--root", "run", "ps"));
    }

    @Test
    void helpVersionNoVerbAndUnknownWordsNeedEveryCommand() {
        assertNull(Main.verb(ROOT, "--help"));
        assertNull(Main.verb(ROOT, "--root", "/r", "-V"));
        assertNull(Main.verb(ROOT));
        assertNull(Main.verb(ROOT, "--root", "/r"));
        assertNull(Main.verb(ROOT, "bogus", "run"));
    }

    @Test
    void helpShowsTheDefaultBridgeOptions() {
        String out = captureOut(() -> assertEquals(0, Main.run("--help")));
        assertTrue(out.contains("--bridge-name=<bridgeName>"), out);
        assertTrue(out.contains("--bridge-subnet=<bridgeSubnet>"), out);
    }

    /** docker image --help lists these verbs (build aside, which Berth does not have). */
    @Test
    void imageHelpListsEveryImageVerb() {
        String out = captureOut(() -> assertEquals(0, Main.run("image", "--help")));
        for (String verb : List.of("history", "import", "inspect", "load", "ls, list", "prune",
                "pull", "push", "rm", "save", "tag")) {
            assertTrue(out.contains("\n  " + verb + " "), verb + ":\n" + out);
        }
    }

    @Test
    void helpListsEveryCommand() {
        String out = captureOut(() -> assertEquals(0, Main.run("--help")));
        Main.COMMANDS.forEach((verb, command) -> {
            boolean listed = out.contains("\n  " + verb + " ");
            boolean hidden = command.getAnnotation(Command.class).hidden();
            assertEquals(!hidden, listed, verb + ":\n" + out);
        });
    }

    @Test
    void anUnknownVerbIsAUsageErrorNamingTheWord() {
        String err = captureErr(() -> assertEquals(ExitCodes.ENGINE, Main.run("bogus")));
        assertTrue(err.contains("'bogus'"), err);
        assertTrue(err.contains("See 'berth --help'."), err);
    }

    @Test
    void aCommandsUsageErrorNamesThatCommand() {
        String err = captureErr(() -> assertEquals(ExitCodes.ENGINE, Main.run("run")));
        assertTrue(err.contains("Missing required parameter: 'IMAGE'"), err);
        assertTrue(err.contains("See 'berth run --help'."), err);
    }

    private static String captureOut(Runnable action) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String captureErr(Runnable action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
