package io.berth.image;

import java.nio.file.Path;

/**
 * Tars written by an independent writer, Python's tarfile, so that the unpacker is not only
 * tested against tars of its own making. The body sees {@code f(name, data, **kw)},
 * {@code d(name, **kw)}, {@code sym(name, target)}, {@code hard(name, target)} and
 * {@code node(name, type, major, minor)}; keywords set TarInfo fields.
 */
final class PyTar {
    private static final String PRELUDE = """
            import sys, tarfile, io
            t = tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT)
            def info(name, type, **kw):
                i = tarfile.TarInfo(name)
                i.type = type
                i.mtime = kw.pop('mtime', 1500000000)
                for k, v in kw.items():
                    setattr(i, k, v)
                return i
            def f(name, data=b'', **kw):
                i = info(name, tarfile.REGTYPE, **kw)
                i.size = len(data)
                t.addfile(i, io.BytesIO(data))
            def d(name, **kw):
                kw.setdefault('mode', 0o755)
                t.addfile(info(name, tarfile.DIRTYPE, **kw))
            def sym(name, target, **kw):
                t.addfile(info(name, tarfile.SYMTYPE, linkname=target, **kw))
            def hard(name, target, **kw):
                t.addfile(info(name, tarfile.LNKTYPE, linkname=target, **kw))
            def node(name, type, major=0, minor=0, **kw):
                t.addfile(info(name, type, devmajor=major, devminor=minor, **kw))
            CHR, BLK, FIFO = tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE
            """;

    private PyTar() {
    }

    static Path write(Path out, String body) throws Exception {
        ImageStoreLoadTest.run("python3", "-c", PRELUDE + body + "\nt.close()\n",
                out.toString());
        return out;
    }
}
