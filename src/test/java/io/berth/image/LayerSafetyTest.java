package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.sys.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Malicious layers written by Python's tarfile: nothing lands outside the layer folder. */
@Tag("privileged")
class LayerSafetyTest {
    private Scratch scratch;
    private ImageStore store;
    private Path outside;
    private Path secret;

    @BeforeEach
    void setUp() throws IOException {
        scratch = new Scratch();
        store = new ImageStore(scratch.resolve("store"), Sys.linux());
        outside = scratch.resolve("outside");
        Files.createDirectories(outside);
        secret = outside.resolve("secret");
        Files.writeString(secret, "untouched\n");
    }

    @AfterEach
    void tearDown() throws IOException {
        scratch.close();
    }

    @Test
    void aDotDotNameIsRefusedAndWritesNothing() throws Exception {
        Path tar = PyTar.write(scratch.resolve("t.tar"), """
                f('ok.txt', b'fine')
                f('a/../../outside/escaped.txt', b'pwned')
                """);

        ImageFormatException e = assertThrows(ImageFormatException.class, () -> load(tar));

        assertTrue(e.getMessage().contains("points outside the layer"), e.getMessage());
        assertOutsideUntouched();
        assertTrue(store.list().isEmpty());
        assertNoLayerOrStagingLeft();
    }

    @Test
    void anAbsoluteNameLandsInsideTheLayer() throws Exception {
        String target = outside.resolve("abs.txt").toString();
        Path tar = PyTar.write(scratch.resolve("t.tar"), "f('" + target + "', b'inside')\n");

        Path layer = layerOf(load(tar));

        assertOutsideUntouched();
        assertEquals("inside", Files.readString(layer.resolve(target.substring(1))));
    }

    @Test
    void aFileThroughASymlinkStaysInsideTheLayer() throws Exception {
        Path tar = PyTar.write(scratch.resolve("t.tar"), """
                sym('abs', '%1$s')
                f('abs/pwned1', b'x')
                sym('rel', '../../../../../../../../..%1$s')
                f('rel/pwned2', b'x')
                d('deep')
                sym('deep/up', '../../..')
                f('deep/up/pwned3', b'x')
                """.formatted(outside));

        Path layer = layerOf(load(tar));

        assertOutsideUntouched();
        Path inner = layer.resolve(outside.toString().substring(1));
        assertTrue(Files.exists(inner.resolve("pwned1")));
        assertTrue(Files.exists(inner.resolve("pwned2")));
        assertTrue(Files.exists(layer.resolve("pwned3")), "'..' stops at the layer's root");
    }

    @Test
    void aFileReplacingASymlinkDoesNotWriteThroughIt() throws Exception {
        Path tar = PyTar.write(scratch.resolve("t.tar"), """
                sym('victim', '%s')
                f('victim', b'replaced')
                """.formatted(secret));

        Path layer = layerOf(load(tar));

        assertOutsideUntouched();
        assertFalse(Files.isSymbolicLink(layer.resolve("victim")));
        assertEquals("replaced", Files.readString(layer.resolve("victim")));
    }

    @Test
    void aFolderReplacedByASymlinkIsFollowedInsideTheLayerByLaterEntries() throws Exception {
        Path tar = PyTar.write(scratch.resolve("t.tar"), """
                d('etc')
                f('etc/first', b'x')
                sym('etc', '%1$s')
                f('etc/pwned1', b'x')
                d('lib')
                f('lib/first', b'x')
                sym('lib', '../../../../../../../..%1$s')
                f('lib/pwned2', b'x')
                """.formatted(outside));

        Path layer = layerOf(load(tar));

        assertOutsideUntouched();
        Path inner = layer.resolve(outside.toString().substring(1));
        assertTrue(Files.isSymbolicLink(layer.resolve("etc")));
        assertTrue(Files.exists(inner.resolve("pwned1")));
        assertTrue(Files.exists(inner.resolve("pwned2")));
        assertFalse(Files.exists(inner.resolve("first")), "the replaced folders are gone");
    }

    @Test
    void aHardlinkOutsideIsRefused() throws Exception {
        for (String body : List.of(
                "hard('h', '../outside/secret')\n",
                "hard('h', '" + secret + "')\n",
                "sym('s', '" + outside + "')\nhard('h', 's/secret')\n")) {
            Path tar = PyTar.write(scratch.resolve("t.tar"), body);

            ImageFormatException e = assertThrows(ImageFormatException.class, () -> load(tar),
                    body);

            assertTrue(e.getMessage().endsWith("."), e.getMessage());
            assertEquals(1, (int) Files.getAttribute(secret, "unix:nlink"), body);
        }
        assertOutsideUntouched();
        assertNoLayerOrStagingLeft();
    }

    @Test
    void aHardlinkWithinTheLayerIsKept() throws Exception {
        Path tar = PyTar.write(scratch.resolve("t.tar"), """
                f('bin/tool', b'#!/bin/sh\\n', mode=0o755)
                hard('bin/alias', 'bin/tool')
                """);

        Path layer = layerOf(load(tar));

        assertEquals(Files.getAttribute(layer.resolve("bin/tool"), "unix:ino"),
                Files.getAttribute(layer.resolve("bin/alias"), "unix:ino"));
    }

    private Image load(Path tar) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            return store.importRootfs(in, null, List.of());
        }
    }

    private Path layerOf(Image image) {
        return store.layerDirs(image).getFirst();
    }

    private void assertOutsideUntouched() throws IOException {
        try (Stream<Path> files = Files.list(outside)) {
            assertEquals(List.of(secret), files.toList());
        }
        assertEquals("untouched\n", Files.readString(secret));
        assertFalse(Files.exists(scratch.resolve("escaped.txt"), LinkOption.NOFOLLOW_LINKS));
    }

    private void assertNoLayerOrStagingLeft() throws IOException {
        for (String folder : List.of("store/layers", "store/staging")) {
            Path dir = scratch.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    assertEquals(List.of(), files.toList(), folder);
                }
            }
        }
    }
}
