package io.berth.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A path copied out of a container: what it is, and a tar of it to read. Closing the stream
 * (after reading it, or early) lets the engine release what it held for the copy, such as the
 * mount of a stopped container's root.
 */
public record ArchiveStream(PathStat stat, InputStream tar) implements Closeable {
    @Override
    public void close() throws IOException {
        tar.close();
    }
}
