package io.berth.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The right to restart one exited container by its policy. Both a monitor's exit command and
 * the API service, which follows exits itself, may try at once; whoever holds the turn
 * restarts, the other leaves it, so one exit never becomes two runs. A file lock (another
 * process) or an overlapping lock of this JVM (another engine of the service) means taken.
 */
final class RestartTurn implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RestartTurn(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The turn, or null when someone else holds it (or the folder is gone). */
    static RestartTurn tryTake(Path containerDir) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(containerDir.resolve("restart.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new RestartTurn(channel, lock);
            }
        } catch (IOException | OverlappingFileLockException e) {
            // Held by another engine of this JVM, or the container was removed meanwhile.
        }
        close(channel);
        return null;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases it as well.
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing held.
        }
    }
}
