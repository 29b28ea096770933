package io.berth.runtime;

import io.berth.cgroups.CgroupDriver;
import io.berth.spec.Spec;
import io.berth.sys.Errno;
import io.berth.sys.Sys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * One process creation (a container's or an exec's): has the reaper fork a monitor, answers
 * its handshake (cgroup placement and id maps between clone and go), and knows how to undo
 * what it did so far.
 */
final class Launch {
    /** Set-up that hangs (a mount on a dead NFS server, say) must not hang the caller. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

    private final StateFolder folder;
    private final Reaper reaper;
    private final CgroupDriver cgroups;
    private final Sys sys;
    private final String cgroupsPath;
    private boolean cgroupCreated;
    private SocketChannel connection;
    private ProcessId process;
    private ProcessId monitor;
    private InheritedStdio inherited;
    private Process direct;
    private LongConsumer cloned;

    Launch(StateFolder folder, Reaper reaper, CgroupDriver cgroups, Sys sys,
            String cgroupsPath) {
        this.folder = folder;
        this.reaper = reaper;
        this.cgroups = cgroups;
        this.sys = sys;
        this.cgroupsPath = cgroupsPath;
    }

    ProcessId process() {
        return process;
    }

    ProcessId monitor() {
        return monitor;
    }

    /**
     * Without a monitor: the shim runs as our child with our stdio for the process (see
     * {@link InheritedStdio}); null for the engine's monitored way.
     */
    Launch inheriting(InheritedStdio stdio) {
        this.inherited = stdio;
        return this;
    }

    /** Who is told the process's pid as soon as it is known; null for no one. */
    Launch whenCloned(LongConsumer listener) {
        this.cloned = listener;
        return this;
    }

    /** The shim run in the foreground (inherited stdio); its exit code is the process's. */
    Process foreground() {
        return direct;
    }

    /**
     * Returns once the container process reported created. {@code afterClone} runs once the
     * process is in its cgroup and has its id maps, before it builds its root (the
     * createRuntime hooks' moment).
     */
    void run(Spec spec, ShimPlan plan, AfterClone afterClone) throws IOException {
        cgroups.create(cgroupsPath, DeviceRules.withDefaults(spec));
        cgroupCreated = true;
        trace("launch: cgroup create");
        // Rendered once the cgroup exists, since a v1 cgroup mount binds its folders; a bad
        // config.json is refused here, and undo() removes the cgroup and the state folder.
        handshake(plan.render(), pid -> {
            writeIdMaps(spec);
            afterClone.run(pid);
        });
    }

    /** Returns once the exec'd process, in the container's cgroup, reported created. */
    void runExec(String plan) throws IOException {
        handshake(plan, pid -> { });
    }

    /** What Java does between the clone and go, besides the cgroup placement. */
    interface AfterClone {
        void run(long pid) throws IOException;
    }

    private void handshake(String plan, AfterClone beforeGo) throws IOException {
        Files.writeString(folder.plan(), plan);
        trace("launch: plan render, write");
        InputStream fromShim;
        OutputStream toShim;
        if (inherited == null) {
            connection = reaper.spawn(folder.dir());
            trace("launch: spawn (connect)");
            fromShim = Channels.newInputStream(connection);
            toShim = Channels.newOutputStream(connection);
        } else {
            direct = new ProcessBuilder(reaper.shim().toString(), "oci",
                    folder.dir().toString(), inherited.foreground() ? "wait" : "detach")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            fromShim = direct.getInputStream();
            toShim = direct.getOutputStream();
        }
        try (BufferedReader answers = new BufferedReader(new InputStreamReader(fromShim,
                StandardCharsets.UTF_8)); toShim) {
            readPids(readLine(answers));
            trace("launch: pid line");
            if (cloned != null) {
                cloned.accept(process.pid());
            }
            cgroups.addProcess(cgroupsPath, process.pid());
            trace("launch: cgroup.procs");
            beforeGo.run(process.pid());
            trace("launch: idmaps, hooks");
            toShim.write("go\n".getBytes(StandardCharsets.US_ASCII));
            toShim.flush();
            String answer = readLine(answers);
            trace("launch: created");
            if (!"created".equals(answer)) {
                throw ShimAnswer.failure("create", answer);
            }
        }
        if (direct != null && !inherited.foreground()) {
            awaitDetached();
        }
    }

    /** A detached shim exits right after "created"; reaped here, it leaves no zombie. */
    private void awaitDetached() {
        try {
            direct.waitFor(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readPids(String line) {
        String[] parts = line == null ? new String[0] : line.split(" ");
        if (parts.length != 3 || !parts[0].equals("pid")) {
            throw ShimAnswer.failure("start the monitor", line);
        }
        long pid = Long.parseLong(parts[1]);
        long monitorPid = Long.parseLong(parts[2]);
        monitor = ProcessId.of(monitorPid);
        process = ProcessId.of(pid);
        if (process == null || monitor == null) {
            throw new ContainerStartException("the container process " + pid
                    + " died before its set-up; see " + folder.shimLog(), Errno.ESRCH);
        }
    }

    private void writeIdMaps(Spec spec) throws IOException {
        if (!ShimPlan.createsNamespace(spec, "user")) {
            return;
        }
        // The kernel takes a map in one write(2) only, and only from outside the namespace.
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        Files.writeString(proc.resolve("uid_map"), idMap(spec.linux().uidMappings()));
        Files.writeString(proc.resolve("gid_map"), idMap(spec.linux().gidMappings()));
    }

    private static String idMap(List<Spec.IdMapping> mappings) {
        if (mappings == null || mappings.isEmpty()) {
            throw new ContainerStartException("config.json: a user namespace needs uid and gid "
                    + "mappings", Errno.EINVAL);
        }
        StringBuilder text = new StringBuilder();
        for (Spec.IdMapping m : mappings) {
            text.append(m.containerID()).append(' ').append(m.hostID()).append(' ')
                    .append(m.size()).append('\n');
        }
        return text.toString();
    }

    private String readLine(BufferedReader reader) throws IOException {
        // A platform thread, not a virtual one: a virtual thread blocked on a socket starts the
        // JDK's poller thread, which then sits in epoll_wait, and System.exit waits about 300 ms
        // for a thread in native code before it gives up on it.
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().daemon().name("shim-handshake").factory())) {
            Future<String> line = executor.submit(reader::readLine);
            try {
                return line.get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                undo(); // closes the pipe, which ends the blocked read
                throw new ContainerStartException("the container's set-up took longer than "
                        + HANDSHAKE_TIMEOUT.toSeconds() + "s", Errno.EIO);
            } catch (ExecutionException e) {
                throw new IOException("read from the shim", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading from the shim", e);
            }
        }
    }

    private void trace(String step) {
        if (StartTrace.on()) {
            StartTrace.mark(folder.dir().getFileName().toString(), step);
        }
    }

    /** Kills what started, waits for it to go, removes the cgroup and the state folder. */
    void undo() {
        closeConnection(); // a monitor still in its handshake takes this as "cancel"
        Teardown teardown = new Teardown(sys, cgroups);
        teardown.stop(process, monitor);
        if (cgroupCreated) {
            teardown.destroyCgroup(cgroupsPath);
            cgroupCreated = false;
        }
        folder.remove();
    }

    private void closeConnection() {
        if (direct != null) {
            direct.destroyForcibly(); // a shim still in its handshake kills its child
        }
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (IOException e) {
            // Closing is all we wanted.
        }
    }
}
