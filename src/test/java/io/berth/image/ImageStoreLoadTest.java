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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Loads the real fixture files; root is needed to keep owners and make device nodes. */
@Tag("privileged")
class ImageStoreLoadTest {
    static final String DOCKER_ID =
            "sha256:98deae4ed9b5e18b9f7a51712a5ea3a517e5e69abfb01e5c66cbebaa87080fd9";
    // skopeo rewrote the config into OCI form, so the layout's config blob (the id) differs.
    static final String OCI_ID =
            "sha256:00b46ff042e3a85bb2e75a4512df01f2abbcae93f1077ed1811fef774a9b2929";
    static final String DIFF_ID =
            "sha256:12c5521bcf8a5a9b4a950a69cefe54cc8692db48fad53172ba476a42d47a24f6";

    private Scratch scratch;
    private ImageStore store;

    @BeforeEach
    void setUp() throws IOException {
        scratch = new Scratch();
        store = new ImageStore(scratch.resolve("store"), Sys.linux());
    }

    @AfterEach
    void tearDown() throws IOException {
        scratch.close();
    }

    @Test
    void aDockerArchiveLoadsWithItsIdTagAndFiles() throws IOException {
        List<Image> loaded = store.load(scratch.copyFixture("busybox-docker-archive.tar"));

        assertEquals(1, loaded.size());
        Image image = loaded.getFirst();
        assertEquals(DOCKER_ID, image.id());
        assertEquals("98deae4ed9b5", image.shortId());
        assertEquals(List.of("busybox:latest"), image.repoTags());
        assertEquals(List.of(DIFF_ID), image.diffIds());
        assertEquals(List.of("sh"), image.config().cmd());
        assertEquals("amd64", image.architecture());
        assertEquals("linux", image.os());
        assertTrue(image.size() > 1_000_000, "size " + image.size());
        assertBusyboxFiles(store.layerDirs(image));
        assertTrue(store.configJson(image).contains("\"comment\":\"busybox-static rootfs\""));
    }

    @Test
    void anOciLayoutLoadsUnnamedSinceItsRefNameIsABareTag() throws IOException {
        List<Image> loaded = store.load(scratch.copyFixture("busybox-oci"));

        Image image = loaded.getFirst();
        assertEquals(OCI_ID, image.id());
        assertEquals(List.of(), image.repoTags());
        assertEquals(List.of(DIFF_ID), image.diffIds());
        assertEquals(List.of("sh"), image.config().cmd());
        assertBusyboxFiles(store.layerDirs(image));
    }

    @Test
    void aZstdOciLayoutLoadsTheSameLayer() throws IOException {
        Image image = store.load(scratch.copyFixture("busybox-oci-zstd")).getFirst();

        assertEquals(OCI_ID, image.id());
        assertBusyboxFiles(store.layerDirs(image));
    }

    @Test
    void anOciArchiveIsTheLayoutTarred() throws Exception {
        Path layout = scratch.copyFixture("busybox-oci");
        Path archive = scratch.resolve("oci.tar");
        run("tar", "-C", layout.toString(), "-cf", archive.toString(), ".");

        Image image = store.load(archive).getFirst();

        assertEquals(OCI_ID, image.id());
        assertBusyboxFiles(store.layerDirs(image));
    }

    @Test
    void aGzipCompressedArchiveLoads() throws Exception {
        Path archive = scratch.copyFixture("busybox-docker-archive.tar");
        ImageStoreLoadTest.run("gzip", archive.toString());

        Image image = store.load(scratch.resolve("busybox-docker-archive.tar.gz")).getFirst();

        assertEquals(DOCKER_ID, image.id());
    }

    @Test
    void aStreamLoadsLikeAFile() throws IOException {
        Path archive = scratch.copyFixture("busybox-docker-archive.tar");

        try (InputStream in = Files.newInputStream(archive)) {
            assertEquals(DOCKER_ID, store.load(in).getFirst().id());
        }
        assertEquals(List.of("busybox:latest"), store.find("busybox").orElseThrow().repoTags());
    }

    @Test
    void loadingTwiceStoresNothingTwiceAndImagesShareTheLayer() throws IOException {
        Image first = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        Path layer = store.layerDirs(first).getFirst();
        Object inode = Files.getAttribute(layer, "unix:ino");

        Image again = store.load(scratch.resolve("busybox-docker-archive.tar")).getFirst();
        Image oci = store.load(scratch.copyFixture("busybox-oci-zstd")).getFirst();

        assertEquals(first.id(), again.id());
        assertEquals(List.of(layer), store.layerDirs(oci));
        assertEquals(inode, Files.getAttribute(layer, "unix:ino"));
        assertEquals(2, store.list().size());
        try (var layers = Files.list(scratch.resolve("store/layers"))) {
            assertEquals(1, layers.count());
        }
        try (var staging = Files.list(scratch.resolve("store/staging"))) {
            assertEquals(0, staging.count(), "no staged layer is left behind");
        }
    }

    @Test
    void aLayerBlobTheStoreHoldsIsOnlyCheckedNotUnpackedAgain() throws IOException {
        Image first = store.load(scratch.copyFixture("busybox-oci")).getFirst();
        Path busybox = store.layerDirs(first).getFirst().resolve("bin/busybox");
        Object inode = Files.getAttribute(busybox, "unix:ino");

        Image again = store.load(scratch.resolve("busybox-oci")).getFirst();

        assertEquals(first, again);
        assertEquals(inode, Files.getAttribute(busybox, "unix:ino"));
        assertTrue(Files.exists(scratch.resolve("store/layer-blobs/"
                + "5d06538b67b6ce9db44bc731f926ab89a9ed391472b4cec9d06cafd3a7e85dd9")));
    }

    @Test
    void aDamagedBlobOfAStoredLayerIsStillRefused() throws IOException {
        store.load(scratch.copyFixture("busybox-oci"));
        Path blob = scratch.resolve("busybox-oci/blobs/sha256/"
                + "5d06538b67b6ce9db44bc731f926ab89a9ed391472b4cec9d06cafd3a7e85dd9");
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 1;
        Files.write(blob, bytes);

        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> store.load(scratch.resolve("busybox-oci")));

        assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
    }

    @Test
    void imagesAreFoundByNameIdAndIdPrefix() throws IOException {
        store.load(scratch.copyFixture("busybox-docker-archive.tar"));
        store.load(scratch.copyFixture("busybox-oci"));

        for (String name : List.of("busybox", "busybox:latest",
                "docker.io/library/busybox:latest", DOCKER_ID, DOCKER_ID.substring(7),
                "98deae4ed9b5", "98d", "sha256:98deae")) {
            assertEquals(DOCKER_ID, store.find(name).map(Image::id).orElse(null), name);
        }
        assertEquals(OCI_ID, store.find("00b4").orElseThrow().id());
        assertFalse(store.find("98").isPresent(), "a prefix needs 3 digits");
        assertFalse(store.find("busybox:other").isPresent());
        assertFalse(store.find("nothing").isPresent());
        assertFalse(store.find("sha256:98").isPresent());
        assertFalse(store.find("").isPresent());
    }

    @Test
    void tagsAreStoredCanonicalAndShownFamiliar() throws IOException {
        Image image = store.load(scratch.copyFixture("busybox-oci")).getFirst();

        store.tag(image, "localhost:5000/x/y:tag");
        store.tag(image, "docker.io/library/bb");

        Image tagged = store.find("localhost:5000/x/y:tag").orElseThrow();
        assertEquals(List.of("bb:latest", "localhost:5000/x/y:tag"), tagged.repoTags());
        assertEquals(image.id(), store.find("bb").orElseThrow().id());
        String tags = Files.readString(scratch.resolve("store/tags.json"));
        assertTrue(tags.contains("docker.io/library/bb:latest"), tags);
    }

    @Test
    void aLoadMovesATagFromAnotherImage() throws IOException {
        Image oci = store.load(scratch.copyFixture("busybox-oci")).getFirst();
        store.tag(oci, "busybox");

        store.load(scratch.copyFixture("busybox-docker-archive.tar"));

        assertEquals(DOCKER_ID, store.find("busybox").orElseThrow().id());
        assertEquals(List.of(), store.find(OCI_ID).orElseThrow().repoTags());
    }

    @Test
    void anIdPrefixSharedByTwoImagesIsAnError() {
        Path root = scratch.resolve("store");
        BlobStore blobs = new BlobStore(root);
        Catalog catalog = new Catalog(root);
        java.util.Map<String, String> byPrefix = new java.util.HashMap<>();
        String prefix = null;
        for (int i = 0; prefix == null; i++) {
            byte[] config = ("{\"os\":\"linux\",\"n\":" + i + "}").getBytes();
            String id = blobs.put(config);
            String seen = byPrefix.putIfAbsent(id.substring(7, 10), id);
            if (seen != null) {
                catalog.addImage(seen);
                catalog.addImage(id);
                prefix = id.substring(7, 10);
            }
        }
        String shared = prefix;

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> store.find(shared));

        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
        assertEquals(2, store.list().size());
    }

    @Test
    void anOciRefNameThatIsAWholeReferenceNamesTheImage() throws IOException {
        Path layout = scratch.copyFixture("busybox-oci");
        Path index = layout.resolve("index.json");
        Files.writeString(index, Files.readString(index).replace("\"latest\"",
                "\"example.com/tools/busybox:1.35\""));

        Image image = store.load(layout).getFirst();

        assertEquals(List.of("example.com/tools/busybox:1.35"), image.repoTags());
    }

    @Test
    void aMultiPlatformIndexLoadsThisMachinesImage() throws IOException {
        Path layout = scratch.copyFixture("busybox-oci");
        String manifest = "sha256:31786af546e1bd9f477f3f129c59772534001933958e6f6284c8f00ea82c144c";
        String inner = "{\"schemaVersion\":2,\"mediaType\":"
                + "\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"sha256:" + "f".repeat(64) + "\",\"size\":1,"
                + "\"platform\":{\"architecture\":\"s390x\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"" + manifest + "\",\"size\":405,\"platform\":"
                + "{\"architecture\":\"" + Platforms.architecture() + "\",\"os\":\"linux\"}}]}";
        String innerDigest = Digest.of(inner.getBytes());
        Files.writeString(layout.resolve("blobs/sha256/" + Digest.hex(innerDigest)), inner);
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\""
                + innerDigest + "\",\"size\":" + inner.length() + ",\"annotations\":"
                + "{\"org.opencontainers.image.ref.name\":\"multi:1\"}}]}");

        Image image = store.load(layout).getFirst();

        assertEquals(OCI_ID, image.id());
        assertEquals(List.of("multi:1"), image.repoTags());
    }

    @Test
    void twoLoadsAtOnceShareOneLayer() throws Exception {
        Path archive = scratch.copyFixture("busybox-docker-archive.tar");
        Path layout = scratch.copyFixture("busybox-oci-zstd");
        ImageStore other = new ImageStore(scratch.resolve("store"), Sys.linux());
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var a = pool.submit(() -> store.load(archive));
            var b = pool.submit(() -> other.load(layout));

            assertEquals(DOCKER_ID, a.get().getFirst().id());
            assertEquals(OCI_ID, b.get().getFirst().id());
        }
        assertEquals(2, store.list().size());
        try (var layers = Files.list(scratch.resolve("store/layers"))) {
            assertEquals(1, layers.count());
        }
        assertBusyboxFiles(store.layerDirs(store.find("busybox").orElseThrow()));
    }

    @Test
    void removingAnImageKeepsLayersAnotherImageUses() throws IOException {
        Image docker = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        Image oci = store.load(scratch.copyFixture("busybox-oci")).getFirst();
        Path layer = store.layerDirs(docker).getFirst();

        Path config = scratch.resolve("store/blobs/sha256").resolve(docker.id().substring(7));
        assertTrue(Files.isRegularFile(config));
        assertTrue(store.remove(docker));

        assertFalse(store.find("busybox").isPresent());
        assertFalse(store.find(DOCKER_ID).isPresent());
        assertTrue(Files.notExists(config), "the config blob went with its image");
        assertTrue(Files.isRegularFile(layer.resolve("bin/busybox")));
        assertFalse(store.remove(docker));

        assertTrue(store.remove(oci));

        assertTrue(Files.notExists(layer));
        try (var blobs = Files.list(scratch.resolve("store/blobs/sha256"))) {
            assertEquals(List.of(), blobs.filter(b -> b.getFileName().toString()
                    .equals(oci.id().substring(7))).toList(), "no config blob left");
        }
        assertEquals(List.of(), store.list());
        try (var staging = Files.list(scratch.resolve("store/staging"))) {
            assertEquals(0, staging.count());
        }
        Image again = store.load(scratch.resolve("busybox-oci")).getFirst();
        assertBusyboxFiles(store.layerDirs(again));
    }

    @Test
    void untagRemovesOneNameOnly() throws IOException {
        Image image = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        store.tag(image, "other:1");

        assertTrue(store.untag("docker.io/library/busybox:latest"));
        assertFalse(store.untag("busybox"));

        assertEquals(List.of("other:1"), store.find(DOCKER_ID).orElseThrow().repoTags());
    }

    @Test
    void aNewStoreSweepsStagingThatAKilledLoadLeftLongAgo() throws IOException {
        Path old = Files.createDirectories(scratch.resolve("store/staging/old/diff"));
        Files.writeString(old.resolve("file"), "x");
        Files.setLastModifiedTime(old.getParent(),
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(86400)));
        Path young = Files.createDirectories(scratch.resolve("store/staging/young"));

        new ImageStore(scratch.resolve("store"), Sys.linux());

        assertTrue(Files.notExists(old.getParent()));
        assertTrue(Files.exists(young), "a load running elsewhere keeps its staging");
    }

    static void assertBusyboxFiles(List<Path> layers) throws IOException {
        assertEquals(1, layers.size());
        Path root = layers.getFirst();
        Path busybox = root.resolve("bin/busybox");
        assertTrue(Files.isRegularFile(busybox, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isExecutable(busybox));
        assertTrue(Files.isSymbolicLink(root.resolve("bin/sh")));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(root.resolve("bin/sh")));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("root"), LinkOption.NOFOLLOW_LINKS)));
        assertEquals(01777, (int) Files.getAttribute(root.resolve("tmp"), "unix:mode") & 07777);
        assertTrue(Files.readString(root.resolve("etc/passwd")).startsWith("root:"));
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
    }
}
