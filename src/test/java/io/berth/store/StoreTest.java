package io.berth.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.convert.ContainerRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    @TempDir
    Path dir;

    private static ContainerRecord record(String id, String name, Long userns) {
        return new ContainerRecord(id, name, "sha256:abc", Instant.ofEpochSecond(1, 5),
                ContainerRequest.builder("busybox").cmd(List.of("true")).build(), "created",
                userns, null, null, null, null, 0, 0, false);
    }

    @Test
    void aRecordRoundTripsWithNanosecondTimes() {
        try (Store store = Store.open(dir.resolve("db"))) {
            ContainerRecord r = record("a".repeat(64), "web", null);
            store.insert(r);
            assertEquals(r, store.findByName("web").orElseThrow());
            assertEquals(r, store.findById(r.id()).orElseThrow());
        }
    }

    @Test
    void aSecondContainerWithTheSameNameIsAConflictNamingTheFirst() {
        try (Store store = Store.open(dir.resolve("db"))) {
            store.insert(record("a".repeat(64), "web", null));
            NameConflictException e = assertThrows(NameConflictException.class,
                    () -> store.insert(record("b".repeat(64), "web", null)));
            assertTrue(e.getMessage().contains("\"/web\" is already in use by container \""
                    + "a".repeat(64)), e.getMessage());
            assertEquals(1, store.list().size());
        }
    }

    @Test
    void twoStoresOnOneFileSeeEachOthersRows() {
        try (Store one = Store.open(dir.resolve("db")); Store two = Store.open(dir.resolve("db"))) {
            one.insert(record("c".repeat(64), "x", 1L << 20));
            assertEquals("x", two.findById("c".repeat(64)).orElseThrow().name());
            assertEquals(List.of(1L << 20), two.usernsHostIds());
            assertThrows(NameConflictException.class,
                    () -> two.insert(record("d".repeat(64), "y", 1L << 20)));
        }
    }

    @Test
    void idPrefixesFindOnlyTheirOwnIds() {
        try (Store store = Store.open(dir.resolve("db"))) {
            store.insert(record("ab" + "0".repeat(62), "one", null));
            store.insert(record("ac" + "0".repeat(62), "two", null));
            assertEquals(2, store.findByIdPrefix("a").size());
            assertEquals("one", store.findByIdPrefix("ab").get(0).name());
            assertEquals(0, store.findByIdPrefix("b").size());
        }
    }

    @Test
    void updateAndDeleteChangeTheRow() {
        try (Store store = Store.open(dir.resolve("db"))) {
            ContainerRecord r = record("e".repeat(64), "web", null);
            store.insert(r);
            ContainerRecord exited = r.withState("exited", Instant.ofEpochSecond(2),
                    Instant.ofEpochSecond(3), 137, null, 0);
            store.update(exited);
            assertEquals(exited, store.findById(r.id()).orElseThrow());
            store.delete(r.id());
            assertTrue(store.list().isEmpty());
        }
    }

    @Test
    void aVolumeRecordRoundTripsAndASecondOfItsNameIsNotRecorded() {
        try (Store store = Store.open(dir.resolve("db"))) {
            VolumeRecord v = new VolumeRecord("data", Instant.ofEpochSecond(7, 9),
                    java.util.Map.of("k", "v", "e", ""), null);
            assertTrue(store.insertVolume(v));
            assertEquals(false, store.insertVolume(new VolumeRecord("data", Instant.now(),
                    null, null)), "the first record stays");
            assertTrue(store.insertVolume(new VolumeRecord("alpha", Instant.EPOCH, null,
                    null)));
        }
        try (Store reopened = Store.open(dir.resolve("db"))) {
            assertEquals(new VolumeRecord("data", Instant.ofEpochSecond(7, 9),
                    java.util.Map.of("k", "v", "e", ""), java.util.Map.of()),
                    reopened.findVolume("data").orElseThrow());
            assertEquals(List.of("alpha", "data"), reopened.volumes().stream()
                    .map(VolumeRecord::name).toList());
            reopened.deleteVolume("data");
            assertTrue(reopened.findVolume("data").isEmpty());
        }
    }
}
