package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.sys.Sys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A damaged or foreign input is refused in one sentence and leaves the store as it was. */
@Tag("privileged")
class DamagedInputTest {
    private Scratch scratch;
    private Path root;
    private ImageStore store;
    private List<String> before;

    @BeforeEach
    void setUp() throws IOException {
        scratch = new Scratch();
        root = scratch.resolve("store");
        store = new ImageStore(root, Sys.linux());
        store.load(scratch.copyFixture("busybox-oci-zstd"));
        before = contents(root);
    }

    @AfterEach
    void tearDown() throws IOException {
        scratch.close();
    }

    @Test
    void aTruncatedArchiveIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(scratch.copyFixture("busybox-docker-archive.tar"));
        Path half = scratch.resolve("half.tar");
        Files.write(half, java.util.Arrays.copyOf(whole, whole.length / 2));

        assertRefused(half, "half.tar");
    }

    @Test
    void aDockerArchiveWhoseLayerDoesNotMatchItsDiffIdIsRefused() throws Exception {
        Path unpacked = scratch.resolve("unpacked");
        Files.createDirectories(unpacked);
        Path archive = scratch.copyFixture("busybox-docker-archive.tar");
        ImageStoreLoadTest.run("tar", "-C", unpacked.toString(), "-xf", archive.toString());
        Path layer;
        try (Stream<Path> files = Files.walk(unpacked)) {
            layer = files.filter(p -> p.endsWith("layer.tar")).findFirst().orElseThrow();
        }
        Path extra = scratch.resolve("extra");
        Files.writeString(extra, "not in the image\n");
        ImageStoreLoadTest.run("tar", "-C", scratch.dir.toString(), "-rf", layer.toString(),
                "extra");
        Path repacked = scratch.resolve("repacked.tar");
        ImageStoreLoadTest.run("tar", "-C", unpacked.toString(), "-cf", repacked.toString(),
                ".");

        String message = assertRefused(repacked, "does not match its diff id");
        assertTrue(message.contains("layer.tar"), message);
    }

    @Test
    void anOciLayerBlobWhoseDigestDoesNotMatchIsRefused() throws Exception {
        Path layout = scratch.copyFixture("busybox-oci");
        Path blob = layout.resolve("blobs/sha256/"
                + "5d06538b67b6ce9db44bc731f926ab89a9ed391472b4cec9d06cafd3a7e85dd9");
        Path other = scratch.resolve("other.tar.gz");
        Files.writeString(scratch.resolve("file"), "other content\n");
        ImageStoreLoadTest.run("tar", "-C", scratch.dir.toString(), "-czf", other.toString(),
                "file");
        Files.copy(other, blob, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertRefused(layout, "does not match its digest");
    }

    @Test
    void anOciLayerBlobCutShortIsRefusedWhileUnpackingBesideTheOthers() throws Exception {
        Path layout = scratch.copyFixture("busybox-oci");
        Path blob = layout.resolve("blobs/sha256/"
                + "5d06538b67b6ce9db44bc731f926ab89a9ed391472b4cec9d06cafd3a7e85dd9");
        byte[] whole = Files.readAllBytes(blob);
        Files.write(blob, java.util.Arrays.copyOf(whole, whole.length / 2));

        assertRefused(layout, "busybox-oci");
    }

    @Test
    void anOciManifestBlobWhoseDigestDoesNotMatchIsRefused() throws IOException {
        Path layout = scratch.copyFixture("busybox-oci");
        Path manifest = layout.resolve("blobs/sha256/"
                + "31786af546e1bd9f477f3f129c59772534001933958e6f6284c8f00ea82c144c");
        String changed = Files.readString(manifest).replace("\"size\":309", "\"size\":310");
        Files.writeString(manifest, changed);

        assertRefused(layout, "does not match its digest");
    }

    @Test
    void aRandomFileIsRefused() throws IOException {
        byte[] noise = new byte[100_000];
        new Random(7).nextBytes(noise);
        Path random = scratch.resolve("random.bin");
        Files.write(random, noise);

        assertRefused(random, "random.bin");
    }

    @Test
    void aTarWithoutManifestIsRefused() throws Exception {
        Files.writeString(scratch.resolve("hello.txt"), "hello\n");
        Path tar = scratch.resolve("plain.tar");
        ImageStoreLoadTest.run("tar", "-C", scratch.dir.toString(), "-cf", tar.toString(),
                "hello.txt");

        assertRefused(tar, "neither manifest.json nor index.json");
    }

    @Test
    void aManifestNamingAMissingLayerIsRefused() throws Exception {
        Path dir = scratch.resolve("archive");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"),
                "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + "a".repeat(64)
                        + "\"]}}");
        Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"config.json\","
                + "\"RepoTags\":[\"x:1\"],\"Layers\":[\"l/layer.tar\"]}]");
        Path tar = scratch.resolve("missing.tar");
        ImageStoreLoadTest.run("tar", "-C", dir.toString(), "-cf", tar.toString(), ".");

        assertRefused(tar, "lacks the layer l/layer.tar");
        assertFalse(store.find("x:1").isPresent());
    }

    @Test
    void aDamagedStreamIsRefusedToo() {
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> store.load(new ByteArrayInputStream("not a tar at all".getBytes())));

        assertOneSentence(e.getMessage());
    }

    private String assertRefused(Path input, String expected) throws IOException {
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> store.load(input));

        assertOneSentence(e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(before, contents(root), "the store is as it was");
        return e.getMessage();
    }

    private static void assertOneSentence(String message) {
        assertTrue(message.endsWith("."), message);
        assertFalse(message.contains("\n"), message);
    }

    /** Every path in the store but its lock file and the (empty) staging folder. */
    private static List<String> contents(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.map(p -> root.relativize(p).toString())
                    .filter(p -> !p.equals("lock") && !p.equals("staging")).sorted().toList();
        }
    }
}
