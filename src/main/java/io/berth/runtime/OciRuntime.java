package io.berth.runtime;

import io.berth.cgroups.CgroupDriver;
import io.berth.cgroups.CgroupPath;
import io.berth.spec.InvalidSpecException;
import io.berth.spec.Spec;
import io.berth.spec.SpecJson;
import io.berth.sys.Errno;
import io.berth.sys.Sys;
import io.berth.sys.SysException;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The engine's OCI runtime: runs a bundle (config.json and its rootfs) through berth-shim and
 * keeps each container's state under {@code <stateRoot>/<id>/}. Every method reads that state
 * afresh, so a second instance on the same root (another CLI call, a restarted service) sees
 * the containers a first one made.
 *
 * <p>Each container and each exec has a monitor (a berth-shim process) forked by the state
 * root's reaper ({@code berth-reaper}, see {@link #close()}), which reaps the monitors when
 * they exit, so no exited monitor is left a zombie whether or not the host's pid 1 reaps.
 */
public final class OciRuntime implements AutoCloseable {
    static final int SIGKILL = 9;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final Path stateRoot;
    private final Path shim;
    private final CgroupDriver cgroups;
    private final Sys sys;
    private final Reaper reaper;
    private List<Path> hierarchies;

    /**
     * @param stateRoot where container state lives (volatile, e.g. /run/berth/runtime)
     * @param shimBinary the berth-shim executable, e.g. {@link #defaultShim()}
     * @param cgroups the driver that creates, fills and removes the containers' cgroups
     * @param sys the system calls (kill) made from the JVM
     */
    public OciRuntime(Path stateRoot, Path shimBinary, CgroupDriver cgroups, Sys sys) {
        this.stateRoot = stateRoot.toAbsolutePath();
        this.shim = shimBinary.toAbsolutePath();
        this.cgroups = cgroups;
        this.sys = sys;
        this.reaper = new Reaper(this.stateRoot, this.shim);
    }

    /** The berth.shim system property, else {@code <dir of the running jar>/native/berth-shim}. */
    public static Path defaultShim() {
        String property = System.getProperty("berth.shim");
        if (property != null && !property.isEmpty()) {
            return Path.of(property);
        }
        try {
            Path jar = Path.of(OciRuntime.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            return jar.getParent().resolve("native").resolve("berth-shim");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("locate berth-shim next to the jar", e);
        }
    }

    /**
     * Clones the process in its namespaces, places it in its cgroup, writes its id maps, lets
     * it mount, pivot_root and drop privileges, resolves argv[0]; returns when the process
     * waits for {@link #start}. On failure throws {@link ContainerStartException} and leaves
     * no process, cgroup or state folder behind.
     *
     * @throws ContainerStateException when the id is taken
     */
    public RuntimeState create(String id, Path bundle, CreateOptions options) {
        launch(id, bundle, options);
        return state(id);
    }

    /**
     * {@code berth oci run}: creates the bundle's container with the caller's stdio, starts
     * it, and waits, the shim passing the caller's signals on. The container stays (stopped)
     * for the caller to delete. {@code spec} is the bundle's config.json, already read.
     *
     * @return the process's exit code (128 + N when killed by signal N)
     */
    public int runForeground(String id, Path bundle, Spec spec, Path consoleSocket,
            Path pidFile) throws InterruptedException {
        Launch launch = launch(id, bundle, spec, CreateOptions.inheriting(
                new InheritedStdio(consoleSocket, true), pidFile));
        start(id);
        return launch.foreground().waitFor();
    }

    /**
     * As {@link #create(String, Path, CreateOptions)}, for a caller that already holds the
     * bundle's config.json as {@code spec} (it has just written it, or read it to check it):
     * parsing it again would only repeat that work on every start.
     */
    public RuntimeState create(String id, Path bundle, Spec spec, CreateOptions options) {
        return create(id, bundle, spec, options, null);
    }

    /**
     * As {@link #create(String, Path, Spec, CreateOptions)}, telling {@code cloned} the
     * process's host pid as soon as it exists, before its cgroup placement and its root are
     * made: the engine attaches its network meanwhile (the namespace is there from the clone).
     * It must return at once; null for no one to tell.
     */
    public RuntimeState create(String id, Path bundle, Spec spec, CreateOptions options,
            LongConsumer cloned) {
        launch(id, bundle, spec, options, cloned);
        return state(id);
    }

    private Launch launch(String id, Path bundle, CreateOptions options) {
        checkId(id);
        return launch(id, bundle, readSpec(bundle.toAbsolutePath().normalize()), options);
    }

    private Launch launch(String id, Path bundle, Spec spec, CreateOptions options) {
        return launch(id, bundle, spec, options, null);
    }

    private Launch launch(String id, Path bundle, Spec spec, CreateOptions options,
            LongConsumer cloned) {
        checkId(id);
        Path absoluteBundle = bundle.toAbsolutePath().normalize();
        String cgroupsPath = cgroupsPath(spec, id);
        ShimPlan plan = new ShimPlan(spec, absoluteBundle, options, cgroupsPath,
                new CgroupMounts(cgroups.version(), hostHierarchies()))
                .cachingSeccompIn(stateRoot.resolve(".seccomp"));
        StateFolder folder = makeFolder(id);
        StartTrace.mark(id, "create: state folder");
        try {
            refuseBusyCgroup(cgroupsPath);
        } catch (ContainerStartException e) {
            folder.remove();
            throw e;
        }
        Launch launch = new Launch(folder, reaper, cgroups, sys, cgroupsPath)
                .inheriting(options.inherited()).whenCloned(cloned);
        Spec.Hooks hooks = spec.hooks();
        String bundleName = absoluteBundle.toString();
        try {
            launch.run(spec, plan, pid -> {
                createRuntimeHooks(id, hooks, pid, bundleName, spec.annotations());
                if (ShimPlan.runsHooks(spec)) {
                    writeHookStates(folder, id, pid, bundleName, spec.annotations());
                }
            });
            StartTrace.mark(id, "create: launch.run");
            folder.writeState(new StateFolder.Stored(id, bundleName,
                    launch.process().pid(), launch.process().startTime(), launch.monitor().pid(),
                    launch.monitor().startTime(), Instant.now().toString(), cgroupsPath,
                    StateFolder.copy(spec.annotations())));
            StartTrace.mark(id, "create: state written");
            writePidFile(options.pidFile(), launch.process().pid());
            if (hooks != null) {
                folder.mark(folder.hooks(), true);
            }
            return launch;
        } catch (RuntimeException | IOException e) {
            launch.undo();
            throw asStartFailure("create container " + id, e);
        }
    }

    /** The state documents the container process hands its own hooks (see ShimPlan). */
    private static void writeHookStates(StateFolder folder, String id, long pid, String bundle,
            java.util.Map<String, String> annotations) throws IOException {
        Files.write(folder.dir().resolve("hook-state-create"),
                LifecycleHooks.stateJson(id, "creating", pid, bundle, annotations));
        Files.write(folder.dir().resolve("hook-state-start"),
                LifecycleHooks.stateJson(id, Status.CREATED.ociName(), pid, bundle,
                        annotations));
    }

    private static void createRuntimeHooks(String id, Spec.Hooks hooks, long pid, String bundle,
            java.util.Map<String, String> annotations) {
        if (hooks == null) {
            return;
        }
        byte[] state = LifecycleHooks.stateJson(id, "creating", pid, bundle, annotations);
        LifecycleHooks.runRequired("prestart", hooks.prestart(), state);
        LifecycleHooks.runRequired("createRuntime", hooks.createRuntime(), state);
    }

    /**
     * The OCI state document: ociVersion, id, status (created, running, paused, stopped), pid
     * (0 once stopped), bundle and annotations, as JSON.
     */
    public byte[] stateJson(String id) {
        return stateJson(id, null);
    }

    private byte[] stateJson(String id, Status overriding) {
        RuntimeState state = state(id);
        Status status = overriding == null ? state.status() : overriding;
        return LifecycleHooks.stateJson(id, status.ociName(), state.pid(),
                state.bundle().toString(), state.annotations());
    }

    /**
     * Has this JVM's {@link MigrationPrimer} take the kernel's cgroup migration lock now, so
     * that the cgroup placement of a start about to come finds it warm; returns at once.
     */
    public void primeMigration() {
        MigrationPrimer.shared(cgroups, shim).prime();
    }

    /** Ends this JVM's migration primer (its helper process and its cgroup), if one runs. */
    public static void closePrimer() {
        MigrationPrimer.closeShared();
    }

    /** Lets the waiting process exec its program. */
    public void start(String id) {
        StateFolder folder = existing(id);
        StateFolder.Stored stored = folder.readState();
        Status status = status(folder, stored);
        if (status != Status.CREATED) {
            throw new ContainerStateException("cannot start container " + id + ": it is "
                    + status.ociName());
        }
        Spec.Hooks hooks = Files.exists(folder.hooks())
                ? readSpec(Path.of(stored.bundle())).hooks() : null;
        folder.mark(folder.started(), true);
        if (Files.exists(folder.fifo())) {
            startThroughFifo(folder, stored.process(), "start " + id);
        } else {
            startMonitored(folder, "start " + id);
        }
        if (hooks != null) {
            LifecycleHooks.runReported("poststart", hooks.poststart(), stateJson(id));
        }
    }

    /**
     * Releases a process created without a monitor: it blocks opening exec.fifo for writing
     * until a reader opens it. Opened read-write here, which never blocks; should the process
     * die first, our own byte ends the wait.
     */
    private static void startThroughFifo(StateFolder folder, ProcessId process, String what) {
        // A platform thread: a virtual one starts the JDK's scheduler and its poller thread,
        // classes and threads an `oci run` or `start` would make only for this one read.
        try (RandomAccessFile fifo = new RandomAccessFile(folder.fifo().toFile(), "rw");
                ExecutorService executor = Executors.newThreadPerTaskExecutor(
                        Thread.ofPlatform().daemon().name("exec-fifo").factory())) {
            Future<Integer> read = executor.submit(() -> fifo.read());
            while (true) {
                try {
                    read.get(20, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    // A quick process (true) may have written its "0", exec'd and exited
                    // before the reader ran: whichever byte is first says whether it started.
                    if (!process.alive()) {
                        fifo.write('x');
                        if (read.get() != '0') {
                            throw new ContainerStartException(what + ": the process exited "
                                    + "before it started", Errno.ESRCH);
                        }
                        break;
                    }
                }
            }
            Files.deleteIfExists(folder.fifo());
        } catch (IOException | ExecutionException e) {
            throw new ContainerStartException(what + ": " + e.getMessage(), Errno.EIO, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerStartException(what + ": interrupted", Errno.EINTR, e);
        }
    }

    /** Releases a created process through its monitor; fails when its exec failed. */
    private static void startMonitored(StateFolder folder, String what) {
        String answer;
        try {
            answer = MonitorSocket.ask(folder.socket(), "start");
        } catch (IOException e) {
            throw new ContainerStartException(what + ": its monitor does not answer: "
                    + e.getMessage(), Errno.EIO, e);
        }
        if (answer == null || !answer.equals("ok")) {
            throw ShimAnswer.failure(what, answer);
        }
    }

    /** The container's state. @throws NoSuchContainerException when unknown */
    public RuntimeState state(String id) {
        StateFolder folder = existing(id);
        StateFolder.Stored stored = folder.readState();
        Status status = status(folder, stored);
        return new RuntimeState(id, status, status == Status.STOPPED ? 0 : stored.pid(),
                Path.of(stored.bundle()), stored.annotations(), Instant.parse(stored.created()));
    }

    /** How the process ended, once it has. */
    public Optional<ExitStatus> exitStatus(String id) {
        return Optional.ofNullable(existing(id).readExit());
    }

    /** Blocks until the process has exited, and returns how. */
    public ExitStatus await(String id) throws InterruptedException {
        StateFolder folder = existing(id);
        return MonitorSocket.awaitExit(folder, folder.readState().shim(), "container " + id);
    }

    /**
     * Runs a process in the running container: in all its namespaces, its cgroup, with its
     * user, capabilities, environment and working directory unless the spec says otherwise.
     * Unless detached, the returned session is attached before the process starts, so no
     * output is missed.
     *
     * @throws ContainerStateException when the container is not running (created, paused or
     *     stopped)
     * @throws ContainerStartException when the process cannot start; {@link
     *     ContainerStartException#exitCode()} gives docker's 127 (not found) or 126 (cannot run)
     */
    public ExecSession exec(String id, ExecSpec exec) {
        StateFolder folder = existing(id);
        StateFolder.Stored stored = folder.readState();
        Status status = status(folder, stored);
        if (status != Status.RUNNING) {
            throw new ContainerStateException("cannot exec in container " + id + ": it is "
                    + status.ociName());
        }
        Spec spec = readSpec(Path.of(stored.bundle()));
        String plan = ShimPlan.renderExec(spec, stored.pid(), exec.over(spec.process()),
                new CreateOptions(exec.stdinOpen(), exec.logFile(), null),
                ShimPlan.seccompRecord(folder.readPlan()));
        String execId = newExecId();
        StateFolder execFolder = makeExecFolder(folder, execId);
        Launch launch = new Launch(execFolder, reaper, cgroups, sys, stored.cgroupsPath());
        Attachment attachment = null;
        try {
            launch.runExec(plan);
            attachment = exec.detach() ? null : attachTo(execFolder, "exec " + execId);
            startMonitored(execFolder, "exec " + execId + " in container " + id);
            return new ExecSession(id, execId, execFolder, launch.process(), launch.monitor(),
                    attachment);
        } catch (RuntimeException | IOException e) {
            closeQuietly(attachment);
            launch.undo();
            throw asStartFailure("exec in container " + id, e);
        }
    }

    /**
     * {@code berth oci exec}: runs a process in the running container with the caller's own
     * stdio (a pty sent to {@code consoleSocket} when {@code exec.tty()}), runc's way.
     *
     * @return in the foreground, the process's exit code (128 + N when killed by signal N);
     *     detached, 0 once it runs
     */
    public int execInheriting(String id, ExecSpec exec, Path consoleSocket, Path pidFile)
            throws InterruptedException {
        StateFolder folder = existing(id);
        StateFolder.Stored stored = folder.readState();
        Status status = status(folder, stored);
        if (status != Status.RUNNING) {
            throw new ContainerStateException("cannot exec in container " + id + ": it is "
                    + status.ociName());
        }
        Spec spec = readSpec(Path.of(stored.bundle()));
        InheritedStdio stdio = new InheritedStdio(consoleSocket, !exec.detach());
        String plan = ShimPlan.renderExec(spec, stored.pid(), exec.over(spec.process()),
                CreateOptions.inheriting(stdio, null), ShimPlan.seccompRecord(folder.readPlan()));
        StateFolder execFolder = makeExecFolder(folder, newExecId());
        Launch launch = new Launch(execFolder, reaper, cgroups, sys, stored.cgroupsPath())
                .inheriting(stdio);
        try {
            launch.runExec(plan);
            writePidFile(pidFile, launch.process().pid());
        } catch (RuntimeException | IOException e) {
            launch.undo();
            throw asStartFailure("exec in container " + id, e);
        }
        try {
            return exec.detach() ? 0 : launch.foreground().waitFor();
        } finally {
            execFolder.remove();
        }
    }

    /** How an exec ended, once it has; empty while it runs. */
    public Optional<ExitStatus> execExitStatus(String id, String execId) {
        return Optional.ofNullable(execFolder(id, execId).readExit());
    }

    /** Forgets an exec that has exited (its folder); the container's delete forgets them all. */
    public void removeExec(String id, String execId) {
        StateFolder folder = execFolder(id, execId);
        if (folder.readExit() == null) {
            throw new ContainerStateException("cannot remove exec " + execId + " of container "
                    + id + ": it is running");
        }
        folder.remove();
    }

    /**
     * Connects to the container's stdio; possible before start. The output stream ends once
     * the process exited and all its output was delivered.
     */
    public Attachment attach(String id) {
        StateFolder folder = existing(id);
        try {
            return attachTo(folder, "container " + id);
        } catch (IOException e) {
            if (folder.readExit() != null) {
                throw new ContainerStateException("cannot attach to container " + id
                        + ": it has exited");
            }
            throw new UncheckedIOException("attach to container " + id, e);
        }
    }

    private static Attachment attachTo(StateFolder folder, String what) throws IOException {
        SocketChannel channel = MonitorSocket.open(folder.socket(), "attach");
        try {
            String answer = MonitorSocket.readLine(channel);
            if (!"ok".equals(answer)) {
                throw new IOException("attach to " + what + ": the monitor answered " + answer);
            }
            return new SocketAttachment(channel);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Sets the size of the container's terminal (process.terminal), as a TIOCSWINSZ. */
    public void resize(String id, int rows, int columns) {
        MonitorSocket.resize(existing(id), "container " + id, rows, columns);
    }

    /**
     * Sends a signal to the container's process. The monitor, its parent, sends it: until the
     * monitor reaps the process its pid cannot be reused, so the signal never reaches another
     * process. A container that has exited (even a moment ago) is not an error, so that a stop
     * after its timeout is free of races.
     *
     * @return true when the signal was sent, false when the process had already exited
     */
    public boolean kill(String id, int signal) {
        StateFolder folder = existing(id);
        StateFolder.Stored stored = folder.readState();
        if (status(folder, stored) == Status.STOPPED) {
            return false;
        }
        // Without an answer the monitor has gone: with its process, or killed itself.
        return MonitorSocket.signal(folder, "container " + id, signal).orElseGet(() ->
                folder.readExit() == null && stored.process().alive()
                        && sys.kill(stored.pid(), signal));
    }

    /** The host pids of every process in the container's cgroup. */
    public List<Long> pids(String id) {
        return cgroups.pids(existing(id).readState().cgroupsPath());
    }

    /** Freezes every process of the container through its cgroup. */
    public void pause(String id) {
        StateFolder folder = existing(id);
        StateFolder.Stored stored = folder.readState();
        if (status(folder, stored) != Status.RUNNING) {
            throw new ContainerStateException("cannot pause container " + id
                    + ": it is not running");
        }
        cgroups.freeze(stored.cgroupsPath(), true);
        folder.mark(folder.paused(), true);
    }

    /** Thaws a paused container. */
    public void resume(String id) {
        StateFolder folder = existing(id);
        StateFolder.Stored stored = folder.readState();
        if (status(folder, stored) != Status.PAUSED) {
            throw new ContainerStateException("cannot resume container " + id
                    + ": it is not paused");
        }
        cgroups.freeze(stored.cgroupsPath(), false);
        folder.mark(folder.paused(), false);
    }

    /**
     * Removes a container: its process (only with force when running; a created one is killed
     * as runc does), its monitor, its cgroup and its state folder.
     */
    public void delete(String id, boolean force) {
        StateFolder folder = existing(id);
        StateFolder.Stored stored = folder.readState();
        Status status = status(folder, stored);
        if ((status == Status.RUNNING || status == Status.PAUSED) && !force) {
            throw new ContainerStateException("cannot delete container " + id + ": it is "
                    + status.ociName() + "; stop it first or force");
        }
        Spec.Hooks hooks = Files.exists(folder.hooks()) ? hooksOf(stored) : null;
        new Teardown(sys, cgroups).run(stored, status == Status.PAUSED);
        StartTrace.mark(id, "delete: teardown");
        folder.remove();
        StartTrace.mark(id, "delete: folder removed");
        if (hooks != null) {
            LifecycleHooks.runReported("poststop", hooks.poststop(), LifecycleHooks.stateJson(
                    id, Status.STOPPED.ociName(), 0, stored.bundle(), stored.annotations()));
        }
    }

    /**
     * Removes what a create left that never recorded its state: its caller died between the
     * clone and state.json (a CLI killed while the network attached, say). A monitor still in
     * its handshake cancels by itself once its caller is gone; one past it keeps a created
     * process waiting for a start that never comes. So every process in the cgroup at the
     * default path is killed (its monitor then leaves), and the cgroup and the state folder
     * are removed. Only for an id nothing else uses any more (no row); a container with state
     * is left alone.
     */
    public void deleteUnfinished(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return;
        }
        StateFolder folder = new StateFolder(stateRoot.resolve(id));
        if (folder.exists() || !Files.isDirectory(folder.dir())) {
            return;
        }
        Teardown teardown = new Teardown(sys, cgroups);
        teardown.killRemnants(CgroupPath.below(id));
        teardown.destroyCgroup(CgroupPath.below(id));
        folder.remove();
    }

    /** The hooks of a container's bundle; none when the bundle went first. */
    private static Spec.Hooks hooksOf(StateFolder.Stored stored) {
        try {
            return readSpec(Path.of(stored.bundle())).hooks();
        } catch (ContainerStartException e) {
            return null;
        }
    }

    /**
     * Lets the monitors' reaper that this instance started wind down (see native/reaper.c).
     * Optional: an idle reaper also exits by itself while this JVM lives. Containers are not
     * touched; one still running keeps its monitor, and so the reaper, until it exits.
     */
    @Override
    public void close() {
        reaper.close();
    }

    /** The ids of every container under the state root. */
    public List<String> list() {
        if (!Files.isDirectory(stateRoot)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(stateRoot)) {
            // Dot names are folders being removed (StateFolder.remove), and the seccomp cache.
            return dirs.filter(d -> !d.getFileName().toString().startsWith("."))
                    .filter(d -> new StateFolder(d).exists())
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("list " + stateRoot, e);
        }
    }

    private Status status(StateFolder folder, StateFolder.Stored stored) {
        if (folder.readExit() != null || !stored.process().alive()) {
            return Status.STOPPED;
        }
        if (Files.exists(folder.paused())) {
            return Status.PAUSED;
        }
        return Files.exists(folder.started()) ? Status.RUNNING : Status.CREATED;
    }

    private StateFolder existing(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new NoSuchContainerException(String.valueOf(id));
        }
        StateFolder folder = new StateFolder(stateRoot.resolve(id));
        if (!folder.exists()) {
            throw new NoSuchContainerException(id);
        }
        return folder;
    }

    private StateFolder makeFolder(String id) {
        Path dir = stateRoot.resolve(id);
        try {
            Files.createDirectories(stateRoot);
            Files.createDirectory(dir);
            return new StateFolder(dir);
        } catch (FileAlreadyExistsException e) {
            throw new ContainerStateException("container id " + id + " is already in use");
        } catch (IOException e) {
            throw new UncheckedIOException("make state folder " + dir, e);
        }
    }

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new ContainerStartException("invalid container id \"" + id
                    + "\": use letters, digits, '_', '.' and '-'", Errno.EINVAL);
        }
    }

    private static Spec readSpec(Path bundle) {
        try {
            return SpecJson.read(bundle.resolve("config.json"));
        } catch (InvalidSpecException | UncheckedIOException e) {
            throw new ContainerStartException("read bundle " + bundle + ": " + e.getMessage(),
                    Errno.EINVAL, e);
        }
    }

    /** Read once: the host's v1 hierarchies do not come and go while an engine runs. */
    private List<Path> hostHierarchies() {
        if (hierarchies == null) {
            hierarchies = CgroupMounts.hostHierarchies();
        }
        return hierarchies;
    }

    /**
     * A cgroup that already holds processes belongs to another container (the same id in
     * another state root, or a config.json naming someone else's cgroup): joining it would
     * mix two containers' limits, and deleting either would kill the other. Refused, as runc
     * refuses a non-empty cgroup.
     */
    private void refuseBusyCgroup(String cgroupsPath) {
        List<Long> pids;
        try {
            pids = cgroups.pids(cgroupsPath);
        } catch (RuntimeException e) {
            return; // no such cgroup yet, the usual case
        }
        if (!pids.isEmpty()) {
            throw new ContainerStartException("cgroup " + cgroupsPath + " already holds "
                    + pids.size() + " process(es) of another container: choose another id or "
                    + "linux.cgroupsPath", Errno.EBUSY);
        }
    }

    private static String cgroupsPath(Spec spec, String id) {
        String path = spec.linux() == null ? null : spec.linux().cgroupsPath();
        return path == null || path.isEmpty() ? CgroupPath.below(id) : path;
    }

    private static void writePidFile(Path pidFile, long pid) throws IOException {
        if (pidFile != null) {
            StateFolder.writeAtomically(pidFile.toAbsolutePath(),
                    Long.toString(pid).getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static ContainerStartException asStartFailure(String what, Exception e) {
        return switch (e) {
            case ContainerStartException c -> c;
            case SysException s -> new ContainerStartException(what + ": " + s.getMessage(),
                    s.errno(), s);
            default -> new ContainerStartException(what + ": " + e.getMessage(),
                    e instanceof IOException ? Errno.EIO : 0, e);
        };
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException e) {
            // Nothing more to release.
        }
    }

    private static String newExecId() {
        byte[] bytes = new byte[8];
        Ids.RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static StateFolder makeExecFolder(StateFolder container, String execId) {
        Path dir = container.dir().resolve("exec").resolve(execId);
        try {
            Files.createDirectories(dir);
            return new StateFolder(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("make exec folder " + dir, e);
        }
    }

    private StateFolder execFolder(String id, String execId) {
        StateFolder container = existing(id);
        StateFolder folder = new StateFolder(container.dir().resolve("exec").resolve(
                String.valueOf(execId)));
        if (execId == null || !execId.matches("[0-9a-f]{16}") || !Files.isDirectory(
                folder.dir())) {
            throw new NoSuchContainerException("exec " + execId + " in container " + id);
        }
        return folder;
    }

    /** Made on first use only: SecureRandom's set-up costs ~20 ms, and most calls need none. */
    private static final class Ids {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
