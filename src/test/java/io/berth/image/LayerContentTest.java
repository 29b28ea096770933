package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.sys.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a layer holds survives unpacking: owners, modes, times, nodes, xattrs, whiteouts. */
@Tag("privileged")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LayerContentTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IFMT = 0170000;

    private Scratch scratch;
    private ImageStore store;
    private final Sys sys = Sys.linux();

    @BeforeEach
    void setUp() throws IOException {
        scratch = new Scratch();
        store = new ImageStore(scratch.resolve("store"), sys);
    }

    @AfterEach
    void tearDown() throws IOException {
        scratch.close();
    }

    @Test
    void ownersModesTimesAndLinksAreKept() throws Exception {
        Path layer = unpack("""
                d('usr/bin', mode=0o750, uid=7, gid=8, mtime=1234567890)
                f('usr/bin/su', b'binary', mode=0o4755, uid=0, gid=0)
                f('usr/bin/tool', b'tool', mode=0o2711, uid=1234, gid=5678, mtime=1000000000)
                sym('usr/bin/link', 'tool', uid=1234, gid=5678)
                hard('usr/bin/same', 'usr/bin/tool')
                """, false);

        Path bin = layer.resolve("usr/bin");
        assertEquals(04755, mode(bin.resolve("su")) & 07777);
        Path tool = bin.resolve("tool");
        assertEquals(02711, mode(tool) & 07777);
        assertEquals(1234, Files.getAttribute(tool, "unix:uid", NOFOLLOW));
        assertEquals(5678, Files.getAttribute(tool, "unix:gid", NOFOLLOW));
        assertEquals(FileTime.fromMillis(1_000_000_000_000L), Files.getLastModifiedTime(tool));
        assertEquals(1234, Files.getAttribute(bin.resolve("link"), "unix:uid", NOFOLLOW));
        assertEquals(Path.of("tool"), Files.readSymbolicLink(bin.resolve("link")));
        assertEquals(2, Files.getAttribute(tool, "unix:nlink"));
        assertEquals(0750, mode(bin) & 07777);
        assertEquals(7, Files.getAttribute(bin, "unix:uid"));
        assertEquals(FileTime.fromMillis(1_234_567_890_000L), Files.getLastModifiedTime(bin),
                "a folder's time is set after its entries");
    }

    @Test
    void everyModeIsExactWhetherOrNotItIsTheDefaultOneAndFoldersTakeNoSetGidFromParents()
            throws Exception {
        Path layer = unpack("""
                d('shared', mode=0o2775, gid=50)
                d('shared/sub', mode=0o755)
                f('shared/plain', b'a', mode=0o644)
                f('plain', b'a', mode=0o644)
                f('tool', b'a', mode=0o755)
                f('secret', b'a', mode=0o600)
                f('open', b'a', mode=0o666)
                """, false);

        assertEquals(02775, mode(layer.resolve("shared")) & 07777);
        assertEquals(0755, mode(layer.resolve("shared/sub")) & 07777);
        assertEquals(0644, mode(layer.resolve("shared/plain")) & 07777);
        assertEquals(0, Files.getAttribute(layer.resolve("shared/plain"), "unix:gid"),
                "the tar's group, not the set-gid parent's");
        assertEquals(0644, mode(layer.resolve("plain")) & 07777);
        assertEquals(0755, mode(layer.resolve("tool")) & 07777);
        assertEquals(0600, mode(layer.resolve("secret")) & 07777);
        assertEquals(0666, mode(layer.resolve("open")) & 07777);
    }

    @Test
    void aRepeatedEntryReplacesTheEarlierOneWhateverEitherIs() throws Exception {
        Path layer = unpack("""
                f('twice', b'first', mode=0o600)
                f('twice', b'second', mode=0o644)
                d('was-folder')
                f('was-folder/inside', b'x')
                f('was-folder', b'now a file')
                f('was-file', b'x')
                d('was-file', mode=0o700)
                f('was-file/inside', b'y')
                sym('was-link', 'twice')
                node('was-link', FIFO, mode=0o640)
                """, false);

        assertEquals("second", Files.readString(layer.resolve("twice")));
        assertEquals(0644, mode(layer.resolve("twice")) & 07777);
        assertEquals("now a file", Files.readString(layer.resolve("was-folder")));
        assertEquals(0700, mode(layer.resolve("was-file")) & 07777);
        assertEquals("y", Files.readString(layer.resolve("was-file/inside")));
        assertEquals(0010640, mode(layer.resolve("was-link")));
    }

    @Test
    void devicesFifosXattrsAndLongNamesAreKept() throws Exception {
        String longName = "d/" + "n".repeat(150) + "/" + "m".repeat(200);
        Path layer = unpack("""
                node('dev/null', CHR, 1, 3, mode=0o666)
                node('dev/loop0', BLK, 7, 0, mode=0o660)
                node('run/fifo', FIFO, mode=0o600)
                i = info('x', tarfile.REGTYPE)
                i.pax_headers = {'SCHILY.xattr.user.note': 'hello',
                                 'SCHILY.xattr.trusted.mark': 'yes'}
                t.addfile(i, io.BytesIO(b''))
                i = info('cap', tarfile.REGTYPE)
                i.pax_headers = {'LIBARCHIVE.xattr.trusted.bin': 'AP8BgA=='}
                t.addfile(i, io.BytesIO(b''))
                f('%s', b'long')
                """.formatted(longName), false);

        assertEquals(0020000, mode(layer.resolve("dev/null")) & S_IFMT);
        assertEquals(0666, mode(layer.resolve("dev/null")) & 07777);
        assertEquals((1L << 8) | 3, ((Number) Files.getAttribute(layer.resolve("dev/null"),
                "unix:rdev")).longValue());
        assertEquals(0060000, mode(layer.resolve("dev/loop0")) & S_IFMT);
        assertEquals(0010000, mode(layer.resolve("run/fifo")) & S_IFMT);
        assertArrayEquals("hello".getBytes(), sys.lgetxattr(layer.resolve("x").toString(),
                "user.note"));
        assertArrayEquals("yes".getBytes(), sys.lgetxattr(layer.resolve("x").toString(),
                "trusted.mark"));
        assertEquals("long", Files.readString(layer.resolve(longName)));
        assertArrayEquals(new byte[] {0, (byte) 0xff, 1, (byte) 0x80},
                sys.lgetxattr(layer.resolve("cap").toString(), "trusted.bin"),
                "a base64 xattr keeps its bytes");
    }

    /**
     * Linux refuses user.* attributes on a symlink (EPERM); containerd and docker skip such an
     * attribute with a warning, so the layer unpacks and the link and its neighbours are there.
     */
    @Test
    void anXattrTheKernelRefusesOnASymlinkIsSkippedAndTheLayerUnpacks() throws Exception {
        Path layer = unpack("""
                f('target', b't')
                i = info('link', tarfile.SYMTYPE)
                i.linkname = 'target'
                i.pax_headers = {'SCHILY.xattr.user.note': 'hello'}
                t.addfile(i)
                f('after', b'a')
                """, false);

        assertTrue(Files.isSymbolicLink(layer.resolve("link")));
        assertEquals("target", Files.readSymbolicLink(layer.resolve("link")).toString());
        assertEquals("a", Files.readString(layer.resolve("after")));
    }

    /** cap_net_raw+ep as setcap writes it: revision 2 with the effective flag. */
    static final String CAP_NET_RAW_V2 = "0100000200200000000000000000000000000000";
    /** The same, revision 3, for the root whose uid is 1000 in the writer's namespace. */
    static final String CAP_NET_RAW_V3 = "0100000300200000000000000000000000000000e8030000";
    static final String BINARY = "00ff0180c3280a3d20000000";

    @Test
    void binaryXattrValuesFromPythonsTarfileKeepEveryByte() throws Exception {
        Path layer = unpack("""
                def raw(h):
                    return bytes.fromhex(h).decode('utf-8', 'surrogateescape')
                g = tarfile.TarInfo.create_pax_global_header(
                    {'SCHILY.xattr.user.everywhere': raw('ff00fe')})
                t.fileobj.write(g)
                t.offset += len(g)
                i = info('bin/ping', tarfile.REGTYPE, mode=0o755)
                i.pax_headers = {'SCHILY.xattr.security.capability': raw('%s'),
                                 'SCHILY.xattr.user.bin': raw('%s'),
                                 'SCHILY.xattr.user.text': 'caf\u00e9'}
                t.addfile(i, io.BytesIO(b''))
                f('between', b'x' * 700)
                i = info('bin/v3', tarfile.REGTYPE, mode=0o755)
                i.pax_headers = {'SCHILY.xattr.security.capability': raw('%s')}
                t.addfile(i, io.BytesIO(b''))
                """.formatted(CAP_NET_RAW_V2, BINARY, CAP_NET_RAW_V3), false);

        String ping = layer.resolve("bin/ping").toString();
        assertEquals(CAP_NET_RAW_V2, hex(sys.lgetxattr(ping, "security.capability")));
        assertEquals(BINARY, hex(sys.lgetxattr(ping, "user.bin")));
        assertEquals("café", new String(sys.lgetxattr(ping, "user.text"),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(CAP_NET_RAW_V3, hex(sys.lgetxattr(layer.resolve("bin/v3").toString(),
                "security.capability")));
        assertNull(sys.lgetxattr(layer.resolve("between").toString(), "user.bin"),
                "one entry's xattrs are not another's");
        assertEquals("ff00fe", hex(sys.lgetxattr(layer.resolve("between").toString(),
                "user.everywhere")), "a global header's hold for every entry");
        assertEquals("ff00fe", hex(sys.lgetxattr(ping, "user.everywhere")));
    }

    @Test
    void gnuTarXattrsKeepTheirBytes() throws Exception {
        Path tree = scratch.resolve("tree");
        Files.createDirectories(tree.resolve("bin"));
        Path ping = Files.write(tree.resolve("bin/ping"), new byte[] {1, 2, 3});
        Files.write(tree.resolve("bin/plain"), new byte[] {4});
        sys.lsetxattr(ping.toString(), "security.capability", unhex(CAP_NET_RAW_V2));
        sys.lsetxattr(ping.toString(), "user.bin", unhex(BINARY));
        Path tar = scratch.resolve("gnu.tar");
        ImageStoreLoadTest.run("tar", "--xattrs", "--xattrs-include=*", "--format=posix",
                "-C", tree.toString(), "-cf", tar.toString(), "bin");

        Path layer;
        try (InputStream in = Files.newInputStream(tar)) {
            layer = store.layerDirs(store.importRootfs(in, null, List.of())).getFirst();
        }

        String unpacked = layer.resolve("bin/ping").toString();
        assertEquals(CAP_NET_RAW_V2, hex(sys.lgetxattr(unpacked, "security.capability")));
        assertEquals(BINARY, hex(sys.lgetxattr(unpacked, "user.bin")));
        assertNull(sys.lgetxattr(layer.resolve("bin/plain").toString(), "security.capability"));
    }

    static String hex(byte[] bytes) {
        return bytes == null ? null : java.util.HexFormat.of().formatHex(bytes);
    }

    static byte[] unhex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }

    @Test
    void whiteoutsBecomeOverlayWhiteoutsAndOpaqueFoldersGetTheXattr() throws Exception {
        Path layer = unpack("""
                d('etc')
                f('etc/.wh.removed')
                d('var/cache')
                f('var/cache/.wh..wh..opq')
                f('var/cache/kept', b'k')
                f('.wh..wh.plnk')
                """, true);

        Path whiteout = layer.resolve("etc/removed");
        assertEquals(0020000, mode(whiteout) & S_IFMT);
        assertEquals(0L, ((Number) Files.getAttribute(whiteout, "unix:rdev")).longValue());
        assertTrue(Files.notExists(layer.resolve("etc/.wh.removed"), NOFOLLOW));
        assertArrayEquals("y".getBytes(), sys.lgetxattr(layer.resolve("var/cache").toString(),
                "trusted.overlay.opaque"));
        assertTrue(Files.notExists(layer.resolve("var/cache/.wh..wh..opq"), NOFOLLOW));
        assertEquals("k", Files.readString(layer.resolve("var/cache/kept")));
        assertNull(sys.lgetxattr(layer.resolve("etc").toString(), "trusted.overlay.opaque"));
        assertTrue(Files.notExists(layer.resolve(".wh..wh.plnk"), NOFOLLOW));
    }

    @Test
    void aGzipRootfsImportsWithItsChanges() throws Exception {
        Path tar = PyTar.write(scratch.resolve("rootfs.tar"), "f('hello', b'hi')\n");
        ImageStoreLoadTest.run("gzip", tar.toString());

        Image image;
        try (InputStream in = Files.newInputStream(scratch.resolve("rootfs.tar.gz"))) {
            image = store.importRootfs(in, "localhost:5000/imported:v1", List.of(
                    "CMD [\"sh\", \"-c\", \"echo hi\"]", "ENV A=b C=\"d e\"", "WORKDIR /x",
                    "ENTRYPOINT /bin/entry", "USER 1000:1000", "EXPOSE 80 53/udp",
                    "LABEL org.example.k=v"));
        }

        assertEquals(List.of("localhost:5000/imported:v1"), image.repoTags());
        assertEquals(List.of("sh", "-c", "echo hi"), image.config().cmd());
        assertEquals(List.of("/bin/sh", "-c", "/bin/entry"), image.config().entrypoint());
        assertEquals(List.of("A=b", "C=d e"), image.config().env());
        assertEquals("/x", image.config().workingDir());
        assertEquals("1000:1000", image.config().user());
        assertEquals(java.util.Set.of("80/tcp", "53/udp"), image.config().exposedPorts().keySet());
        assertEquals("v", image.config().labels().get("org.example.k"));
        assertEquals(Platforms.architecture(), image.architecture());
        assertEquals("hi", Files.readString(store.layerDirs(image).getFirst().resolve("hello")));
        assertEquals(image.id(), store.find("localhost:5000/imported:v1").orElseThrow().id());
    }

    private Path unpack(String body, boolean zstd) throws Exception {
        Path tar = PyTar.write(scratch.resolve("layer.tar"), body);
        Path input = tar;
        if (zstd) {
            input = scratch.resolve("layer.tar.zst");
            try (InputStream in = Files.newInputStream(tar);
                    var out = new com.github.luben.zstd.ZstdOutputStream(
                            Files.newOutputStream(input))) {
                in.transferTo(out);
            }
        }
        try (InputStream in = Files.newInputStream(input)) {
            return store.layerDirs(store.importRootfs(in, null, List.of())).getFirst();
        }
    }

    private static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", NOFOLLOW);
    }
}
