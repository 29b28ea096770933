package io.berth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedPathTest {
    @TempDir
    Path root;

    private RootedPath resolve(String path, boolean followLast) throws IOException {
        return RootedPath.rootOf(root).resolve(path, followLast, RootedPath.Missing.APPEND,
                new ArrayList<>());
    }

    @Test
    void anAbsoluteSymlinkStartsAgainAtTheRoot() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("tmp"));
        Files.createSymbolicLink(root.resolve("tmp/etc"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("tmp/pw"), Path.of("/etc/passwd"));
        assertEquals(root.resolve("etc/passwd"), resolve("/tmp/etc/passwd", false).onHost());
        assertEquals("/etc/passwd", resolve("tmp/pw", true).inRoot());
        assertEquals("/tmp/pw", resolve("tmp/pw", false).inRoot(), "the last is kept");
    }

    @Test
    void dotDotStopsAtTheRootInPathsAndInLinks() throws IOException {
        Files.createDirectories(root.resolve("a"));
        Files.createSymbolicLink(root.resolve("a/up"), Path.of("../../../../../etc"));
        assertEquals(root.resolve("etc"), resolve("/../../../etc", true).onHost());
        assertEquals(root.resolve("etc/x"), resolve("/a/up/x", true).onHost());
    }

    @Test
    void missingFoldersAreMadeWhenAsked() throws IOException {
        Files.createDirectories(root.resolve("a"));
        Files.createSymbolicLink(root.resolve("a/far"), Path.of("/b/c"));
        List<Path> made = new ArrayList<>();
        RootedPath p = RootedPath.rootOf(root).resolve("/a/far/d", true,
                RootedPath.Missing.CREATE, made);
        assertEquals(root.resolve("b/c/d"), p.onHost());
        assertEquals(List.of(root.resolve("b"), root.resolve("b/c"), root.resolve("b/c/d")),
                made);
    }

    @Test
    void aSymlinkLoopIsAnError() throws IOException {
        Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop"));
        IOException e = assertThrows(IOException.class, () -> resolve("/loop/x", true));
        assertEquals("resolve /loop/x in " + root + ": too many levels of symbolic links",
                e.getMessage());
    }
}
