package io.berth.runtime;

/**
 * When the monitor rotates a container's log, as docker's json-file driver does: a record
 * that would take the live file past maxSize bytes starts a new one, the full one becomes
 * {@code <log>.1} (older ones move up to {@code <log>.<maxFiles-1>}, the oldest is dropped).
 * With one file the full log is simply cut.
 *
 * @param maxSize bytes a file may hold; at least 1
 * @param maxFiles the live file and the rotated ones kept beside it; at least 1
 */
public record LogRotation(long maxSize, int maxFiles) {

    public LogRotation {
        if (maxSize < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("log rotation needs a size and a file count of"
                    + " at least 1, not " + maxSize + " and " + maxFiles);
        }
    }
}
