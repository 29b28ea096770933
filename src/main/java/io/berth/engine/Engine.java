package io.berth.engine;

import io.berth.anatomy.Anatomy;
import io.berth.cgroups.CgroupDriver;
import io.berth.convert.ContainerRequest;
import io.berth.convert.InvalidRequestException;
import io.berth.convert.ResolvedUser;
import io.berth.convert.SpecConverter;
import io.berth.image.IdShift;
import io.berth.image.Image;
import io.berth.image.ImageStore;
import io.berth.network.Endpoint;
import io.berth.network.NetworkService;
import io.berth.runtime.Attachment;
import io.berth.runtime.CreateOptions;
import io.berth.runtime.ExitStatus;
import io.berth.runtime.NoSuchContainerException;
import io.berth.runtime.OciRuntime;
import io.berth.runtime.RuntimeState;
import io.berth.runtime.Status;
import io.berth.spec.Spec;
import io.berth.spec.SpecJson;
import io.berth.store.ContainerRecord;
import io.berth.store.NameConflictException;
import io.berth.store.Store;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine: containers as users know them. Every front end (CLI, Docker API, OCI CLI, and a
 * Java program embedding Berth) calls this facade; none has behaviour of its own.
 */
public final class Engine implements AutoCloseable {
    /** User-namespace ranges start here, above the usual /etc/subuid ranges of users. */
    static final long USERNS_FIRST_HOST_ID = 1L << 20;
    static final long USERNS_SIZE = 65536;
    private static final int NAME_ATTEMPTS = 20;
    /** Where Debian's containernetworking-plugins put the CNI plugins. */
    static final Path CNI_PLUGINS = Path.of("/usr/lib/cni");

    private final EngineConfig config;
    private final Store store;
    private final ImageStore images;
    private final OciRuntime runtime;
    private final NetworkService networks;
    private final ContainerNetworks containerNetworks;

    private Engine(EngineConfig config, Store store, ImageStore images, OciRuntime runtime,
            NetworkService networks) {
        this.config = config;
        this.store = store;
        this.images = images;
        this.runtime = runtime;
        this.networks = networks;
        this.containerNetworks = new ContainerNetworks(networks);
    }

    /** Opens the engine on its root and runroot, creating them when new. */
    public static Engine open(EngineConfig config) {
        try {
            Files.createDirectories(config.root().resolve("containers"));
            Files.createDirectories(config.runroot());
        } catch (IOException e) {
            throw new UncheckedIOException("create " + config.root(), e);
        }
        Sys sys = Sys.linux();
        Store store = Store.open(config.root().resolve("berth.db"));
        ImageStore images = new ImageStore(config.root().resolve("image"), sys);
        OciRuntime runtime = new OciRuntime(config.runroot().resolve("runtime"), config.shim(),
                CgroupDriver.detect(), sys);
        NetworkService networks = config.bridge() == null
                ? new NetworkService(config.root().resolve("network"), CNI_PLUGINS,
                        config.runroot().resolve("cni"))
                : new NetworkService(config.root().resolve("network"), CNI_PLUGINS,
                        config.runroot().resolve("cni"), config.bridge().name(),
                        config.bridge().subnet());
        return new Engine(config, store, images, runtime, networks);
    }

    public ImageStore images() {
        return images;
    }

    public EngineConfig config() {
        return config;
    }

    /** Networks: the default bridge, user networks, and the containers' endpoints on them. */
    public NetworkService networks() {
        return networks;
    }

    /** Creates a container: a record, a name and a folder; no process yet. */
    public Container create(ContainerRequest request) {
        Image image = images.find(request.image()).orElseThrow(() -> new NotFoundException(
                "Unable to find image '" + request.image() + "' locally"));
        String id = Names.newId();
        SpecConverter.args(request, image.config());
        containerNetworks.validate(request, image.config(), this::get);
        ContainerRecord record = insert(request, image, id);
        ContainerFiles files = files(id);
        try {
            files.create();
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
        return view(record);
    }

    private ContainerRecord insert(ContainerRequest request, Image image, String id) {
        boolean named = request.name() != null && !request.name().isEmpty();
        String given = named ? Names.validate(request.name()) : null;
        for (int attempt = 0; ; attempt++) {
            String name = named ? given : Names.randomName();
            Long usernsHostId = "auto".equals(request.usernsMode()) ? freeUsernsRange() : null;
            ContainerRecord record = new ContainerRecord(id, name, image.id(), Instant.now(),
                    request, "created", usernsHostId, null, null, null, null, 0);
            try {
                store.insert(record);
                return record;
            } catch (NameConflictException e) {
                boolean retry = (!named || usernsHostId != null) && attempt < NAME_ATTEMPTS
                        && !(named && store.findByName(given).isPresent());
                if (!retry) {
                    throw new ConflictException(e.getMessage());
                }
            }
        }
    }

    private long freeUsernsRange() {
        List<Long> used = store.usernsHostIds();
        long candidate = USERNS_FIRST_HOST_ID;
        while (used.contains(candidate)) {
            candidate += USERNS_SIZE;
        }
        return candidate;
    }

    /** Starts a created or exited container; a running one is left as it is. */
    public Container start(String nameOrId) {
        return start(nameOrId, false).container();
    }

    /** A started container and, when asked for before the start, its attached streams. */
    public record Started(Container container, Attachment attachment) {
    }

    /**
     * Starts a container, attaching to its stdio first when asked so that no output is missed;
     * stdin is forwarded when the container was created with it open.
     */
    public Started start(String nameOrId, boolean attach) {
        Container c = get(nameOrId);
        if (c.running()) {
            return new Started(c, attach ? runtime.attach(c.id()) : null);
        }
        ContainerRecord record = c.record();
        releaseRuntime(record);
        try {
            Spec spec = prepare(record);
            RuntimeState created = runtime.create(record.id(), files(record.id()).bundle(), spec,
                    new CreateOptions(record.request().openStdin(), files(record.id()).log(),
                            null).withExitCommand(config.exitCommand(record.id())));
            containerNetworks.connect(record, created.pid(), image(record).config(),
                    files(record.id()));
            Attachment attachment = attach ? runtime.attach(record.id()) : null;
            runtime.start(record.id());
            RuntimeState state = runtime.state(record.id());
            ContainerRecord started = record.withState("running", Instant.now(), null, null,
                    null, state.pid());
            store.update(started);
            Container view = new Container(started, "running", state.pid(), args(started),
                    started.startedAt(), null, 0, null);
            return new Started(view, attachment);
        } catch (RuntimeException e) {
            releaseRuntime(record);
            store.update(record.withState(record.state(), record.startedAt(),
                    record.finishedAt(), record.exitCode(), e.getMessage(), 0));
            throw e;
        }
    }

    /**
     * Mounts the root filesystem, writes the container's /etc files and its config.json; returns
     * the spec written.
     */
    private Spec prepare(ContainerRecord record) {
        ContainerFiles files = files(record.id());
        Image image = image(record);
        IdShift shift = record.usernsHostId() == null ? null
                : new IdShift(record.usernsHostId(), USERNS_SIZE);
        files.create();
        images.mountSnapshot(image, files.snapshot(), files.rootfs(), shift);

        ContainerRequest request = record.request();
        String hostname = SpecConverter.hostname(record.id(), request);
        files.writeEtc(hostname, Path.of("/etc/resolv.conf"));
        ResolvedUser user = ResolvedUser.resolve(request.user(),
                files.readInRoot("/etc/passwd"), files.readInRoot("/etc/group"));
        SpecConverter.IdRange range = shift == null ? null
                : new SpecConverter.IdRange(shift.hostId(), shift.size());
        Spec spec = SpecConverter.convert(new SpecConverter.Input(record.id(), request,
                image.config(), files.rootfs(), user, files.hosts(), files.hostname(),
                files.resolvConf(), range, "/berth/" + record.id(),
                containerNetworks.joinedNetns(request, this::get)));
        SpecJson.write(spec, files.bundle().resolve("config.json"));
        return spec;
    }

    private Image image(ContainerRecord record) {
        return images.find(record.imageId()).orElseThrow(() -> new NotFoundException(
                "No such image: " + record.imageId()));
    }

    /**
     * Removes the runtime's container (if any), its network endpoints and its root
     * filesystem mount.
     */
    private void releaseRuntime(ContainerRecord record) {
        containerNetworks.disconnect(record.id());
        try {
            runtime.delete(record.id(), true);
        } catch (NoSuchContainerException e) {
            // Already gone: nothing of the runtime's remains.
        }
        images.unmountSnapshot(files(record.id()).rootfs());
    }

    /** Attaches to a running container's output (and stdin, when open). */
    public Attachment attach(String nameOrId) {
        Container c = get(nameOrId);
        if (!c.running()) {
            throw new ConflictException("You cannot attach to a stopped container, start it first");
        }
        return runtime.attach(c.id());
    }

    /** Blocks until the container exits and returns its exit code (as `docker wait`). */
    public int await(String nameOrId) throws InterruptedException {
        Optional<ContainerRecord> found = tryFind(nameOrId);
        if (found.isEmpty()) {
            return store.removedExit(nameOrId).orElseThrow(() -> notFound(nameOrId));
        }
        Container c = view(found.get());
        if (!c.running()) {
            return c.exitCode();
        }
        try {
            runtime.await(c.id());
        } catch (NoSuchContainerException e) {
            // Finished by another client meanwhile; the store has the outcome.
        }
        Optional<ContainerRecord> after = store.findById(c.id());
        if (after.isPresent()) {
            return view(after.get()).exitCode();
        }
        return store.removedExit(c.id()).orElseThrow(() -> notFound(nameOrId));
    }

    /**
     * Sends the stop signal, waits up to timeout, then SIGKILL; as `docker stop`. A container
     * that is not running is left as it is.
     */
    public Container stop(String nameOrId, Duration timeout) throws InterruptedException {
        Container c = get(nameOrId);
        if (!c.running()) {
            return c;
        }
        int signal = stopSignal(c);
        runtime.kill(c.id(), signal);
        if (!awaitExit(c.id(), timeout)) {
            runtime.kill(c.id(), Signals.SIGKILL);
            runtime.await(c.id());
        }
        return get(c.id());
    }

    private int stopSignal(Container c) {
        String requested = c.request().stopSignal();
        if (requested != null && !requested.isEmpty()) {
            return Signals.parse(requested);
        }
        Optional<Image> image = images.find(c.record().imageId());
        String fromImage = image.map(i -> i.config().stopSignal()).orElse(null);
        return fromImage == null || fromImage.isEmpty() ? Signals.SIGTERM
                : Signals.parse(fromImage);
    }

    private boolean awaitExit(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runtime.exitStatus(id).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Sends a signal to a running container's process. */
    public void kill(String nameOrId, String signal) {
        int number = Signals.parse(signal == null ? "KILL" : signal);
        Container c = get(nameOrId);
        if (!c.running()) {
            throw new ConflictException("cannot kill container: " + c.id().substring(0, 12)
                    + ": container " + c.id() + " is not running");
        }
        runtime.kill(c.id(), number);
    }

    /** Removes a container; a running one only with force, which kills it first. */
    public void remove(String nameOrId, boolean force) throws InterruptedException {
        Container c = get(nameOrId);
        if (c.running() && !force) {
            throw new ConflictException("cannot remove container \"/" + c.name()
                    + "\": container is running: stop the container before removing or force "
                    + "remove");
        }
        if (c.running()) {
            runtime.kill(c.id(), Signals.SIGKILL);
            runtime.await(c.id());
        }
        releaseRuntime(c.record());
        files(c.id()).delete();
        store.delete(c.id());
    }

    /**
     * Finishes a container whose process has exited, as the shim's exit command asks when
     * nobody is watching: the exit is recorded, mounts, endpoints and cgroup are released, and
     * a --rm container is removed. A container that is still running is left alone.
     */
    public void cleanup(String id) {
        tryFind(id).ifPresent(this::view);
    }

    /** A container by name, full id or unique id prefix, with its live state. */
    public Container get(String nameOrId) {
        return view(find(nameOrId));
    }

    /** Containers, newest first; all of them or only running ones. */
    public List<Container> list(boolean all) {
        List<Container> out = new ArrayList<>();
        for (ContainerRecord r : store.list()) {
            Container c = view(r);
            if (all || c.running()) {
                out.add(c);
            }
        }
        return out;
    }

    /** The anatomy of a running container: its namespaces beside the host's, and more. */
    public Anatomy anatomy(String nameOrId) {
        Container c = get(nameOrId);
        if (!c.running() || c.pid() <= 0) {
            throw new ConflictException("container " + c.name() + " is not running");
        }
        return Anatomy.of(c.pid());
    }

    private ContainerRecord find(String nameOrId) {
        return tryFind(nameOrId).orElseThrow(() -> notFound(nameOrId));
    }

    private static NotFoundException notFound(String nameOrId) {
        return new NotFoundException("No such container: " + nameOrId);
    }

    private Optional<ContainerRecord> tryFind(String nameOrId) {
        String key = nameOrId.startsWith("/") ? nameOrId.substring(1) : nameOrId;
        Optional<ContainerRecord> byName = store.findByName(key);
        if (byName.isPresent() || !Names.isHex(key)) {
            return byName;
        }
        List<ContainerRecord> matches = store.findByIdPrefix(key);
        if (matches.size() > 1) {
            throw new InvalidRequestException("multiple IDs found with provided prefix: " + key);
        }
        return matches.stream().findFirst();
    }

    /**
     * Reads the runtime's state beside the record. A container whose process has exited since
     * the engine last looked is finished here: exit code recorded, runtime state and mounts
     * released, and removed when it asked for --rm.
     */
    private Container view(ContainerRecord record) {
        if (!"running".equals(record.state())) {
            return staticView(record);
        }
        RuntimeState state;
        try {
            state = runtime.state(record.id());
        } catch (NoSuchContainerException e) {
            return finish(record, null);
        }
        if (state.status() == Status.STOPPED) {
            return finish(record, runtime.exitStatus(record.id()).orElse(null));
        }
        String status = state.status() == Status.PAUSED ? "paused" : "running";
        return new Container(record, status, state.pid(), args(record), record.startedAt(),
                null, 0, null);
    }

    /**
     * Records a container's exit and releases what its run held. Several clients may find the
     * same exit at once; each re-reads the row, so the outcome is the same whoever is first.
     */
    private Container finish(ContainerRecord seen, ExitStatus exit) {
        Optional<ContainerRecord> latest = store.findById(seen.id());
        if (latest.isPresent() && !"running".equals(latest.get().state())) {
            return staticView(latest.get());
        }
        ContainerRecord record = latest.orElse(seen);
        int code = exit == null ? 255 : exit.exitCode();
        Instant finished = exit == null ? Instant.now() : exit.finishedAt();
        String error = exit == null ? "the container's monitor is gone" : null;
        ContainerRecord done = record.withState("exited", record.startedAt(), finished, code,
                error, 0);
        releaseRuntime(record);
        if (record.request().autoRemove()) {
            store.recordRemovedExit(record.id(), code, Instant.now());
            files(record.id()).delete();
            store.delete(record.id());
        } else if (latest.isPresent()) {
            store.update(done);
        }
        return staticView(done);
    }

    private Container staticView(ContainerRecord record) {
        int code = record.exitCode() == null ? 0 : record.exitCode();
        return new Container(record, record.state(), 0, args(record), record.startedAt(),
                record.finishedAt(), code, record.error());
    }

    private List<String> args(ContainerRecord record) {
        Optional<Image> image = images.find(record.imageId());
        try {
            return SpecConverter.args(record.request(),
                    image.map(Image::config).orElse(io.berth.spec.ImageConfig.empty()));
        } catch (InvalidRequestException e) {
            return List.of();
        }
    }

    private ContainerFiles files(String id) {
        return new ContainerFiles(config.root().resolve("containers").resolve(id));
    }

    /** Connects a running container to one more network (docker network connect). */
    public void connect(String network, String nameOrId, List<String> aliases, String ip) {
        Container c = get(nameOrId);
        if (!c.running()) {
            throw new ConflictException("container " + c.name() + " is not running");
        }
        String hostname = SpecConverter.hostname(c.id(), c.request());
        networks.attach(c.id(), "/proc/" + c.pid() + "/ns/net", network,
                io.berth.network.EndpointOptions.none().withName(c.name(), hostname)
                        .withAliases(aliases).withIp(ip == null || ip.isEmpty() ? null : ip)
                        .withHosts(c.request().extraHosts() == null ? List.of()
                                : c.request().extraHosts(), files(c.id()).hosts().toString()));
    }

    /** Disconnects a container from a network (docker network disconnect). */
    public void disconnect(String network, String nameOrId) {
        Container c = get(nameOrId);
        boolean attached = networks.endpoints(c.id()).stream()
                .anyMatch(e -> e.network().equals(networks.inspect(network).name()));
        if (!attached) {
            throw new ConflictException("container " + c.id() + " is not connected to network "
                    + network);
        }
        networks.detach(c.id(), "/proc/" + c.pid() + "/ns/net", network);
    }

    /** The configuration of a container's image (empty when the image is gone). */
    public io.berth.spec.ImageConfig imageConfig(Container c) {
        return images.find(c.record().imageId()).map(Image::config)
                .orElse(io.berth.spec.ImageConfig.empty());
    }

    /** A container's network endpoints, one per network it is attached to. */
    public List<Endpoint> endpoints(String id) {
        return networks.endpoints(id);
    }

    /** Where a container's log is written. */
    public Path logPath(String id) {
        return files(id).log();
    }

    @Override
    public void close() {
        runtime.close();
        store.close();
    }
}
