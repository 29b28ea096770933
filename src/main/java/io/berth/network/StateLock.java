package io.berth.network;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock over a Berth root's network state, held across processes (a file lock, so two CLIs
 * cannot hand out one host port twice) and threads (the file lock is per process, so a
 * reentrant lock guards it inside the JVM). One instance per file and JVM: the JDK refuses a
 * second lock on a file this JVM already locks (OverlappingFileLockException).
 */
final class StateLock {
    private static final ConcurrentHashMap<Path, StateLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock local = new ReentrantLock();
    private FileChannel channel;
    private FileLock lock;

    private StateLock(Path file) {
        this.file = file;
    }

    /** The lock of that file, shared by every service of this JVM on the same state folder. */
    static StateLock of(Path file) {
        return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), StateLock::new);
    }

    /** A held lock; closing it releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held hold() {
        local.lock();
        if (local.getHoldCount() == 1) {
            try {
                acquire();
            } catch (RuntimeException e) {
                local.unlock();
                throw e;
            }
        }
        return this::release;
    }

    private void acquire() {
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = channel.lock();
        } catch (IOException e) {
            closeChannel();
            throw new NetworkException("lock " + file + ": " + e.getMessage(), e);
        }
    }

    private void release() {
        try {
            if (local.getHoldCount() == 1) {
                closeChannel();
            }
        } finally {
            local.unlock();
        }
    }

    private void closeChannel() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // Closing the channel drops the lock; nothing else is left to undo.
        } finally {
            channel = null;
            lock = null;
        }
    }
}
