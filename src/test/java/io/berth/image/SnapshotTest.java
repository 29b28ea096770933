package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.sys.Sys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real overlay mounts of the busybox fixture; every mount is undone before the folder goes. */
@Tag("privileged")
class SnapshotTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Sys sys = Sys.linux();
    private Scratch scratch;
    private ImageStore store;
    private Image image;
    private Path snapshot;
    private Path rootfs;

    @BeforeEach
    void setUp() throws IOException {
        scratch = new Scratch();
        store = new ImageStore(scratch.resolve("store"), sys);
        image = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        snapshot = scratch.resolve("snapshot");
        rootfs = scratch.resolve("rootfs");
    }

    @AfterEach
    void tearDown() throws IOException {
        store.unmountSnapshot(rootfs);
        scratch.close();
    }

    @Test
    void aSnapshotShowsTheImageAndKeepsWritesInItsUpperDir() throws IOException {
        store.mountSnapshot(image, snapshot, rootfs, null);

        assertEquals(List.of(rootfs.toString()), Scratch.mountsUnder(rootfs));
        assertTrue(Files.isExecutable(rootfs.resolve("bin/busybox")));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(rootfs.resolve("bin/ls")));
        Files.writeString(rootfs.resolve("etc/hostname"), "box\n");
        Files.delete(rootfs.resolve("var/www/index.html"));

        assertEquals("box\n", Files.readString(snapshot.resolve("upper/etc/hostname")));
        Path layer = store.layerDirs(image).getFirst();
        assertTrue(Files.notExists(layer.resolve("etc/hostname")));
        assertTrue(Files.exists(layer.resolve("var/www/index.html")), "the layer is unchanged");

        store.unmountSnapshot(rootfs);

        assertEquals(List.of(), Scratch.mountsUnder(rootfs));
        assertTrue(Files.notExists(rootfs.resolve("bin")));
    }

    @Test
    void anIdShiftGivesTheTreeToTheContainerRootWithoutCopyingData() throws IOException {
        IdShift shift = new IdShift(100_000, 65_536);

        store.mountSnapshot(image, snapshot, rootfs, shift);

        assertEquals(100_000, Files.getAttribute(rootfs, "unix:uid"));
        assertEquals(100_000, Files.getAttribute(rootfs.resolve("bin/busybox"), "unix:uid"));
        assertEquals(100_000, Files.getAttribute(rootfs.resolve("bin/sh"), "unix:gid", NOFOLLOW));
        assertTrue(Files.readString(rootfs.resolve("etc/passwd")).startsWith("root:"));
        Path layer = store.layerDirs(image).getFirst();
        assertEquals(0, Files.getAttribute(layer.resolve("bin/busybox"), "unix:uid"));
        Path upperBusybox = snapshot.resolve("upper/bin/busybox");
        assertNotNull(sys.lgetxattr(upperBusybox.toString(), "trusted.overlay.metacopy"),
                "the copy-up is of metadata only");

        store.unmountSnapshot(rootfs);
        store.mountSnapshot(image, snapshot, rootfs, shift);

        assertEquals(100_000, Files.getAttribute(rootfs.resolve("bin/busybox"), "unix:uid"),
                "a remount does not shift twice");
        store.unmountSnapshot(rootfs);
        assertThrows(IllegalStateException.class,
                () -> store.mountSnapshot(image, snapshot, rootfs, new IdShift(200_000, 65_536)));
        assertEquals(List.of(), Scratch.mountsUnder(rootfs));
    }

    @Test
    void unmountingWhatIsNotMountedIsFine() throws IOException {
        store.unmountSnapshot(rootfs);
        store.unmountSnapshot(scratch.resolve("never-made"));

        assertEquals(List.of(), Scratch.mountsUnder(scratch.dir));
    }

    @Test
    void aThrowAwaySnapshotIsVolatileAndMountsAgainAfterItsOwnUnmount() throws IOException {
        store.mountThrowAwaySnapshot(image, snapshot, rootfs, null);
        assertTrue(superOptions(rootfs).contains("volatile"), superOptions(rootfs));
        Files.writeString(rootfs.resolve("etc/motd"), "kept until removed\n");
        store.unmountSnapshot(rootfs);

        store.mountThrowAwaySnapshot(image, snapshot, rootfs, null);
        assertEquals("kept until removed\n", Files.readString(rootfs.resolve("etc/motd")));
        store.unmountSnapshot(rootfs);

        store.mountSnapshot(image, snapshot, rootfs, null);
        assertTrue(!superOptions(rootfs).contains("volatile"), "a kept snapshot is synced");
    }

    /** The super options (last field) of the mount at target, from mountinfo. */
    private static String superOptions(Path target) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields[4].equals(target.toString())) {
                return fields[fields.length - 1];
            }
        }
        return "(not mounted)";
    }
}
