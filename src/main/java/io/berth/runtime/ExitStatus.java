package io.berth.runtime;

import java.time.Instant;

/**
 * How a container's process ended.
 *
 * @param code the exit code when it exited, else 0
 * @param signal the signal number that killed it, else 0
 * @param finishedAt when the monitor saw it end
 */
public record ExitStatus(int code, int signal, Instant finishedAt) {

    /** The shell's convention, as docker reports it: 128 + signal when killed. */
    public int exitCode() {
        return signal != 0 ? 128 + signal : code;
    }
}
