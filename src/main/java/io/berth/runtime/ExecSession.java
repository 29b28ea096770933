package io.berth.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * A process started by {@link OciRuntime#exec} in a running container. Its own small monitor
 * (a second berth-shim, like the container's) holds its stdio, reaps it and records its exit
 * in {@code <state>/<id>/exec/<execId>/exit}, so the exit survives this object and the JVM.
 */
public final class ExecSession implements AutoCloseable {
    private final String containerId;
    private final String execId;
    private final StateFolder folder;
    private final ProcessId process;
    private final ProcessId monitor;
    private final Attachment attachment;

    ExecSession(String containerId, String execId, StateFolder folder, ProcessId process,
            ProcessId monitor, Attachment attachment) {
        this.containerId = containerId;
        this.execId = execId;
        this.folder = folder;
        this.process = process;
        this.monitor = monitor;
        this.attachment = attachment == null ? DETACHED : attachment;
    }

    /** The id of this exec within its container, for {@link OciRuntime#execExitStatus}. */
    public String execId() {
        return execId;
    }

    /** The exec'd process's pid on the host. */
    public long pid() {
        return process.pid();
    }

    /** The pid of its monitor, the berth-shim process that is its parent. */
    long monitorPid() {
        return monitor.pid();
    }

    /**
     * Its stdio, attached before it started, so no output is missed; for a detached exec an
     * empty stream and a stdin that discards.
     */
    public Attachment attachment() {
        return attachment;
    }

    /** How it ended, once it has. */
    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(folder.readExit());
    }

    /** Blocks until the process has exited, and returns how. */
    public ExitStatus awaitExit() throws InterruptedException {
        return MonitorSocket.awaitExit(folder, monitor, "exec " + execId + " in " + containerId);
    }

    /**
     * Signals the process through its monitor (race-free, as for the container).
     *
     * @return false when it had already exited
     */
    public boolean kill(int signal) {
        // No answer: its monitor was killed, and the process went with its pid namespace or
        // is an orphan of the container's; either way not ours to find any more.
        return MonitorSocket.signal(folder, "exec " + execId, signal).orElse(false);
    }

    /** Sets the size of its pty (tty execs only). */
    public void resize(int rows, int columns) {
        MonitorSocket.resize(folder, "exec " + execId, rows, columns);
    }

    /** Closes the attachment; the process runs on, and its exit is still recorded. */
    @Override
    public void close() throws IOException {
        attachment.close();
    }

    private static final Attachment DETACHED = new Attachment() {
        @Override
        public InputStream output() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public OutputStream stdin() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public void close() {
        }
    };
}
