package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.sys.Sys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One syncfs per stored image, after its layers are in place and before any name points. */
@Tag("privileged")
class StoreSyncTest {
    private Scratch scratch;
    private Path root;
    private final List<String> synced = new ArrayList<>();
    private final List<Boolean> taggedWhenSynced = new ArrayList<>();
    private final List<Boolean> layersInPlaceWhenSynced = new ArrayList<>();
    private ImageStore store;

    @BeforeEach
    void setUp() throws IOException {
        scratch = new Scratch();
        root = scratch.resolve("store");
        store = new ImageStore(root, new Recording(Sys.linux()));
    }

    @AfterEach
    void tearDown() throws IOException {
        scratch.close();
    }

    @Test
    void aLoadFlushesTheStoreOnceBeforeNamingTheImageAndNotAgainForTheSameImage()
            throws Exception {
        Path archive = scratch.copyFixture("busybox-docker-archive.tar");

        store.load(archive);

        assertEquals(List.of(root.toString()), synced);
        assertEquals(List.of(false), taggedWhenSynced, "no name pointed at it yet");
        assertEquals(List.of(true), layersInPlaceWhenSynced);
        assertTrue(store.find("busybox").isPresent());

        store.load(archive);

        assertEquals(1, synced.size(), "nothing new was written the second time");
    }

    private boolean layersInPlace() {
        try (var folders = Files.list(root.resolve("layers"))) {
            return folders.anyMatch(f -> Files.isDirectory(f.resolve("diff")));
        } catch (IOException e) {
            return false;
        }
    }

    /** Linux's calls, noting each syncfs and what the store looked like then. */
    private final class Recording implements Sys {
        private final Sys real;

        Recording(Sys real) {
            this.real = real;
        }

        @Override
        public void syncfs(String directory) {
            synced.add(directory);
            taggedWhenSynced.add(store.find("busybox").isPresent());
            layersInPlaceWhenSynced.add(layersInPlace());
            real.syncfs(directory);
        }

        @Override
        public void mount(String source, String target, String type, long flags, String data) {
            real.mount(source, target, type, flags, data);
        }

        @Override
        public void umount(String target, int flags) {
            real.umount(target, flags);
        }

        @Override
        public boolean kill(long pid, int signal) {
            return real.kill(pid, signal);
        }

        @Override
        public void mknod(String path, int mode, long major, long minor) {
            real.mknod(path, mode, major, minor);
        }

        @Override
        public void lsetxattr(String path, String name, byte[] value) {
            real.lsetxattr(path, name, value);
        }

        @Override
        public byte[] lgetxattr(String path, String name) {
            return real.lgetxattr(path, name);
        }

        @Override
        public void lchown(String path, long uid, long gid) {
            real.lchown(path, uid, gid);
        }

        @Override
        public void chmod(String path, int mode) {
            real.chmod(path, mode);
        }

        @Override
        public void lutimes(String path, long seconds, int nanos) {
            real.lutimes(path, seconds, nanos);
        }
    }
}
