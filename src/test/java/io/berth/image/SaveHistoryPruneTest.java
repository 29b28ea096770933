package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.spec.SpecJson;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** save as docker and skopeo read it; history and prune as docker shows and does them. */
@Tag("privileged")
class SaveHistoryPruneTest {
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
    void aSavedImageLoadsElsewhereWithItsIdAndTag() throws Exception {
        Image image = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        Path archive = save(List.of("busybox"));

        try (Scratch other = new Scratch()) {
            ImageStore fresh = new ImageStore(other.resolve("store"), Sys.linux());
            Image loaded = fresh.load(archive).getFirst();
            assertEquals(image.id(), loaded.id());
            assertEquals(List.of("busybox:latest"), loaded.repoTags());
            assertTrue(Files.isRegularFile(fresh.layerDirs(loaded).getFirst()
                    .resolve("bin/busybox")));
        }
    }

    @Test
    void skopeoReadsTheSavedArchiveAsDockerArchiveAndAsOciArchive() throws Exception {
        Image image = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        Path archive = save(List.of("busybox:latest"));

        JsonNode docker = SpecJson.mapper().readTree(LocalRegistry.run(List.of("skopeo",
                "inspect", "--config", "docker-archive:" + archive)));
        JsonNode oci = SpecJson.mapper().readTree(LocalRegistry.run(List.of("skopeo",
                "inspect", "--raw", "oci-archive:" + archive + ":latest")));

        assertEquals(image.diffIds().getFirst(),
                docker.path("rootfs").path("diff_ids").get(0).asText());
        assertEquals(image.id(), oci.path("config").path("digest").asText());
        assertEquals(image.diffIds().getFirst(), oci.path("layers").get(0).path("digest")
                .asText());
    }

    @Test
    void twoImagesSharingALayerCarryItOnce() throws Exception {
        Image docker = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        Image oci = store.load(scratch.copyFixture("busybox-oci")).getFirst();
        store.tag(oci, "oci:1");
        Path archive = save(List.of("busybox", "oci:1"));

        String listing = LocalRegistry.run(List.of("tar", "tf", archive.toString()));
        assertEquals(1, listing.lines().filter(l -> l.endsWith(
                docker.diffIds().getFirst().substring(7))).count(), listing);
        try (Scratch other = new Scratch()) {
            List<Image> loaded = new ImageStore(other.resolve("store"), Sys.linux())
                    .load(archive);
            assertEquals(Set.of(docker.id(), oci.id()),
                    Set.copyOf(loaded.stream().map(Image::id).toList()));
        }
    }

    @Test
    void anImageNamedByIdTravelsWithoutAName() throws Exception {
        Image image = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        Path archive = save(List.of(image.shortId()));

        try (Scratch other = new Scratch()) {
            Image loaded = new ImageStore(other.resolve("store"), Sys.linux()).load(archive)
                    .getFirst();
            assertEquals(image.id(), loaded.id());
            assertEquals(List.of(), loaded.repoTags());
        }
    }

    @Test
    void savingAnUnknownImageFailsBeforeWritingAnything() throws Exception {
        assertThrows(IllegalArgumentException.class,
                () -> store.save(List.of("nothing:here"), OutputStream.nullOutputStream()));
    }

    @Test
    void historyShowsTheImportStepNewestFirstWithItsLayerSize() throws Exception {
        Image image = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();

        List<HistoryEntry> history = store.history(image);

        assertEquals(1, history.size());
        HistoryEntry top = history.getFirst();
        assertEquals(image.id(), top.id());
        assertEquals(image.size(), top.size());
        assertFalse(top.emptyLayer());
    }

    @Test
    void historyCountsOnlyNonEmptyStepsAgainstLayers() throws Exception {
        Image image = store.importRootfs(Files.newInputStream(PyTar.write(
                scratch.resolve("r.tar"), "f('a', b'12345')")), "x:1", List.of("ENV A=b"));

        List<HistoryEntry> history = store.history(image);

        assertEquals(List.of(image.id()), history.stream().map(HistoryEntry::id).toList());
        assertEquals(5, history.getFirst().size());
    }

    @Test
    void pruneRemovesDanglingImagesButNotUsedOrTaggedOnes() throws Exception {
        Image tagged = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        Image dangling = store.load(scratch.copyFixture("busybox-oci")).getFirst();
        Image used = store.importRootfs(Files.newInputStream(PyTar.write(
                scratch.resolve("r.tar"), "f('a', b'12345')")), null, null);

        PruneResult result = store.prune(false, Set.of(used.id()));

        assertEquals(List.of(dangling.id()), result.deleted());
        assertEquals(0, result.reclaimed(), "the layer is shared with the tagged image");
        assertEquals(Set.of(tagged.id(), used.id()), Set.copyOf(store.list().stream()
                .map(Image::id).toList()));

        PruneResult all = store.prune(true, Set.of());
        assertEquals(Set.of(tagged.id(), used.id()), Set.copyOf(all.deleted()));
        assertEquals(tagged.size() + 5, all.reclaimed());
        assertEquals(List.of(), store.list());
    }

    private Path save(List<String> names) throws IOException {
        Path archive = scratch.resolve("saved.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            store.save(names, out);
        }
        return archive;
    }
}
