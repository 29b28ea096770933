package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.sys.Sys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A stored layer's tar comes back byte for byte, so save and push keep the image's id. */
@Tag("privileged")
class TarSplitTest {
    private Scratch scratch;
    private ImageStore store;
    private LayerStore layers;

    @BeforeEach
    void setUp() throws IOException {
        scratch = new Scratch();
        store = new ImageStore(scratch.resolve("store"), Sys.linux());
        layers = new LayerStore(scratch.resolve("store"));
    }

    @AfterEach
    void tearDown() throws IOException {
        scratch.close();
    }

    @Test
    void theBusyboxLayerIsWrittenAgainWithItsDiffId() throws IOException {
        Image image = store.load(scratch.copyFixture("busybox-oci")).getFirst();
        String diffId = image.diffIds().getFirst();

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        layers.writeTar(diffId, tar);

        assertEquals(diffId, Digest.of(tar.toByteArray()));
        assertEquals(tar.size(), layers.tarSize(diffId));
    }

    @Test
    void aPaxTarWithLinksAndPaddingIsWrittenAgain() throws Exception {
        Path tar = PyTar.write(scratch.resolve("layer.tar"), """
                d('etc')
                f('etc/a', b'x' * 1000, mode=0o600)
                f('etc/' + 'long' * 40, b'y' * 513, uid=1000, gid=1000)
                sym('etc/link', 'a')
                hard('etc/hard', 'etc/a')
                f('etc/empty')
                d('var/x', pax_headers={'SCHILY.xattr.user.k': 'v'})
                """);
        Image image = store.importRootfs(Files.newInputStream(tar), null, null);
        String diffId = image.diffIds().getFirst();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        layers.writeTar(diffId, out);

        assertEquals(Digest.of(Files.readAllBytes(tar)), Digest.of(out.toByteArray()));
    }

    @Test
    void aChangedFileIsCaughtByTheDiffId() throws IOException {
        Image image = store.load(scratch.copyFixture("busybox-oci")).getFirst();
        String diffId = image.diffIds().getFirst();
        Path passwd = layers.diff(diffId).resolve("etc/passwd");
        byte[] before = Files.readAllBytes(passwd);
        before[0] = (byte) (before[0] == 'x' ? 'y' : 'x');
        Files.write(passwd, before);

        assertThrows(IllegalStateException.class,
                () -> layers.writeTar(diffId, java.io.OutputStream.nullOutputStream()));
    }
}
