package io.berth.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the finishing of exited containers on one runroot, across processes (a file lock:
 * the monitor's exit command, CLIs and the API service all finish containers) and threads (the
 * JVM holds a file lock for all its threads, so a reentrant lock guards it inside the JVM).
 * Without it a second finisher, finding the runtime state already deleted by the first, took
 * the monitor for gone and recorded exit code 255 over the real one.
 */
final class FinishLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final ReentrantLock jvm;
    private final FileChannel channel;
    private final FileLock lock;

    private FinishLock(ReentrantLock jvm, FileChannel channel, FileLock lock) {
        this.jvm = jvm;
        this.channel = channel;
        this.lock = lock;
    }

    static FinishLock hold(Path runroot) {
        Path file = runroot.toAbsolutePath().normalize().resolve("finish.lock");
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        jvm.lock();
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new FinishLock(jvm, channel, channel.lock());
        } catch (IOException e) {
            closeQuietly(channel);
            jvm.unlock();
            throw new UncheckedIOException("lock " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases it too.
        }
        closeQuietly(channel);
        jvm.unlock();
    }

    private static void closeQuietly(FileChannel channel) {
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
