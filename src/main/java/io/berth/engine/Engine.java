package io.berth.engine;

import io.berth.anatomy.Anatomy;
import io.berth.cgroups.CgroupDriver;
import io.berth.cgroups.CgroupPath;
import io.berth.convert.Binds;
import io.berth.convert.ContainerRequest;
import io.berth.convert.Host;
import io.berth.convert.InvalidRequestException;
import io.berth.convert.ResolvedUser;
import io.berth.convert.ResourceUpdate;
import io.berth.convert.Resources;
import io.berth.convert.SpecConverter;
import io.berth.image.IdShift;
import io.berth.image.Image;
import io.berth.image.ImageStore;
import io.berth.network.Endpoint;
import io.berth.network.NetworkService;
import io.berth.runtime.Attachment;
import io.berth.runtime.CreateOptions;
import io.berth.runtime.ExecSession;
import io.berth.runtime.ExecSpec;
import io.berth.runtime.ExitStatus;
import io.berth.runtime.NoSuchContainerException;
import io.berth.runtime.OciRuntime;
import io.berth.runtime.RuntimeState;
import io.berth.runtime.StartTrace;
import io.berth.runtime.Status;
import io.berth.spec.ImageConfig;
import io.berth.spec.Spec;
import io.berth.spec.SpecJson;
import io.berth.store.ContainerRecord;
import io.berth.store.NameConflictException;
import io.berth.store.Store;
import io.berth.sys.Sys;
import io.berth.volumes.Volume;
import io.berth.volumes.VolumeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The engine: containers as users know them. Every front end (CLI, Docker API, OCI CLI, and a
 * Java program embedding Berth) calls this facade; none has behaviour of its own.
 */
public final class Engine implements AutoCloseable {
    /** User-namespace ranges start here, above the usual /etc/subuid ranges of users. */
    static final long USERNS_FIRST_HOST_ID = 1L << 20;
    static final long USERNS_SIZE = 65536;
    private static final int NAME_ATTEMPTS = 20;
    private static final Duration EXIT_RECORD_WAIT = Duration.ofSeconds(2);
    /** Where Debian's containernetworking-plugins put the CNI plugins. */
    static final Path CNI_PLUGINS = Path.of("/usr/lib/cni");
    /** Roots whose left-over removed folders this JVM has swept already (once per process). */
    private static final java.util.Set<Path> SWEPT =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final EngineConfig config;
    private final Store store;
    private final ImageStore images;
    private final VolumeStore volumes;
    private final Volumes volumeBook;
    private final OciRuntime runtime;
    private final NetworkService networks;
    private final ContainerNetworks containerNetworks;

    private final CgroupDriver cgroups;
    private final Leftovers leftovers;
    private final Map<String, io.berth.spec.ImageConfig> imageConfigs =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Host host = Host.linux();
    private final java.util.Set<Thread> deletions =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Engine(EngineConfig config, Store store, ImageStore images, OciRuntime runtime,
            NetworkService networks, CgroupDriver cgroups) {
        this.cgroups = cgroups;
        this.config = config;
        this.store = store;
        this.images = images;
        this.runtime = runtime;
        this.networks = networks;
        this.containerNetworks = new ContainerNetworks(networks);
        this.volumes = new VolumeStore(config.root().resolve("volumes"));
        this.volumeBook = new Volumes(store, volumes, store::list);
        this.leftovers = new Leftovers(store, runtime, config.runroot().resolve("runtime"),
                networks, cgroups, config.root().resolve("containers"), this::releaseOrphan);
    }

    /** Opens the engine on its root and runroot, creating them when new. */
    public static Engine open(EngineConfig config) {
        createPrivate(config.root());
        createPrivate(config.root().resolve("containers"));
        createPrivate(config.runroot());
        createPrivate(config.root().resolve("image"));
        Sys sys = Sys.linux();
        Store store = Store.open(config.root().resolve("berth.db"));
        ImageStore images = new ImageStore(config.root().resolve("image"), sys);
        CgroupDriver cgroups = CgroupDriver.detect();
        OciRuntime runtime = new OciRuntime(config.runroot().resolve("runtime"), config.shim(),
                cgroups, sys);
        NetworkService networks = config.bridge() == null
                ? new NetworkService(config.root().resolve("network"), CNI_PLUGINS,
                        config.runroot().resolve("cni"))
                : new NetworkService(config.root().resolve("network"), CNI_PLUGINS,
                        config.runroot().resolve("cni"), config.bridge().name(),
                        config.bridge().subnet());
        Engine engine = new Engine(config, store, images, runtime, networks, cgroups);
        if (config.resident() && SWEPT.add(config.root().toAbsolutePath().normalize())) {
            engine.sweepRemovedFolders();
        }
        return engine;
    }

    /** Folders a resident engine moved aside but did not delete before it was stopped. */
    private void sweepRemovedFolders() {
        try (var entries = Files.list(config.root().resolve("containers"))) {
            for (Path p : entries.filter(p -> p.getFileName().toString()
                    .startsWith(".removed-")).toList()) {
                deleteInBackground(new ContainerFiles(p), p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("list " + config.root().resolve("containers"), e);
        }
    }

    /**
     * Makes a state folder that other users of the host cannot list or read (CVE-2021-41091:
     * a container's mounted root, its layers and their device nodes must not be open to
     * them). Traversal stays allowed (0711) where a user-namespaced container's shim must pass
     * through to bind its /etc files; the image store, reached only by root, is 0700.
     */
    private static void createPrivate(Path dir) {
        boolean images = dir.getFileName() != null && dir.getFileName().toString().equals("image");
        String mode = images ? "rwx------" : "rwx--x--x";
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException("create " + dir + ": " + e.getMessage(), e);
        }
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

    /** docker's words for an image that is not here: a malformed name says so. */
    private static RuntimeException missing(String image) {
        try {
            if (image == null || image.isEmpty()) {
                throw new IllegalArgumentException("invalid reference format");
            }
            io.berth.image.Reference.parse(image);
        } catch (IllegalArgumentException e) {
            return new InvalidRequestException(e.getMessage());
        }
        return new NotFoundException("Unable to find image '" + image + "' locally");
    }

    /**
     * The warnings docker gives for a request it creates anyway (create's Warnings; the CLI
     * prints each as {@code WARNING: ...}).
     */
    public static List<String> warnings(ContainerRequest request) {
        return ContainerNetworks.warnings(request);
    }

    /** Creates a container: a record, a name and a folder; no process yet. */
    public Container create(ContainerRequest asked) {
        primeMigration();
        Image image = images.find(asked.image()).orElseThrow(() -> missing(asked.image()));
        imageConfigs.putIfAbsent(image.id(), image.config()); // the view below needs no look-up
        Binds.checkMountPoints(asked);
        ContainerRequest request = Binds.withImageVolumes(asked,
                image.config().volumes() == null ? null : image.config().volumes().keySet());
        String id = Names.newId();
        SpecConverter.args(request, image.config());
        Confinement.check(request, host);
        containerNetworks.validate(request, image.config(), this::get);
        SpecConverter.hostname(id, request);
        if (request.stopSignal() != null && !request.stopSignal().isEmpty()) {
            Signals.parse(request.stopSignal());
        }
        LogSettings.of(request);
        RestartPolicy policy = RestartPolicy.parse(request.restartPolicy());
        if (request.autoRemove() && !policy.name().equals("no")) {
            throw new InvalidRequestException("Conflicting options: --restart and --rm");
        }
        List<String> anonymous = Binds.volumes(request);
        ContainerRecord record = insert(request, image, id);
        ContainerFiles files = files(id);
        List<String> made = new ArrayList<>();
        try {
            files.create();
            anonymous.forEach(v -> volumes.create(VolumeStore.anonymousName(id, v)));
            volumeBook.makeMissing(Binds.namedVolumes(request), made);
        } catch (RuntimeException e) {
            volumeBook.removeAnonymous(record);
            store.delete(id);
            volumeBook.removeMade(made);
            throw e;
        }
        return view(record);
    }

    /**
     * A resident engine starts containers one after another: it pays the kernel's cgroup
     * migration toll ahead of each start, while the start makes its root (see {@link
     * io.berth.runtime.MigrationPrimer}). A CLI makes one container and leaves.
     */
    private void primeMigration() {
        if (config.resident()) {
            runtime.primeMigration();
        }
    }

    /**
     * For a resident engine's owner that stops: ends what this JVM's engines share to speed
     * their starts (the migration primer's helper process and its cgroup under berth/).
     */
    public static void closeShared() {
        OciRuntime.closePrimer();
    }

    private ContainerRecord insert(ContainerRequest request, Image image, String id) {
        boolean named = request.name() != null && !request.name().isEmpty();
        String given = named ? Names.validate(request.name()) : null;
        for (int attempt = 0; ; attempt++) {
            String name = named ? given : Names.randomName();
            Long usernsHostId = "auto".equals(request.usernsMode()) ? freeUsernsRange() : null;
            ContainerRecord record = new ContainerRecord(id, name, image.id(), Instant.now(),
                    request, "created", usernsHostId, null, null, null, null, 0, 0, false);
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
        return start(nameOrId, attach, false);
    }

    private Started start(String nameOrId, boolean attach, boolean byPolicy) {
        primeMigration();
        StartTrace.mark(nameOrId, "start: begin");
        ContainerRecord found = find(nameOrId);
        Optional<Image> stored = images.find(found.imageId()); // once, for view and start
        stored.ifPresent(i -> imageConfigs.putIfAbsent(found.imageId(), i.config()));
        Container c = view(found);
        if (c.running()) {
            return new Started(c, attach ? runtime.attach(c.id()) : null);
        }
        ContainerRecord record = byPolicy ? c.record() : c.record().withRestarts(0, false);
        leftovers.beforeStart();
        StartTrace.mark(record.id(), "start: got row, leftovers");
        releaseRuntime(record);
        StartTrace.mark(record.id(), "start: release earlier run");
        NetworkAttach network = null;
        try {
            Image image = stored.orElseThrow(() -> noSuchImage(record));
            network = new NetworkAttach(record, image.config());
            Spec spec = prepare(record, image);
            StartTrace.mark(record.id(), "start: prepare (mount, etc, spec, config.json)");
            runtime.create(record.id(), files(record.id()).bundle(), spec,
                    createOptions(record), network::begin);
            StartTrace.mark(record.id(), "start: runtime.create");
            network.await();
            StartTrace.mark(record.id(), "start: network await");
            Attachment attachment = attach ? runtime.attach(record.id()) : null;
            runtime.start(record.id());
            StartTrace.mark(record.id(), "start: runtime.start");
            RuntimeState state = runtime.state(record.id());
            StartTrace.mark(record.id(), "start: runtime.state");
            ContainerRecord started = record.withState("running", Instant.now(), null, null,
                    null, state.pid());
            if (!store.update(started)) {
                throw new NotFoundException("No such container: " + record.id()
                        + " (removed while it started)");
            }
            StartTrace.mark(record.id(), "start: store update");
            Container view = new Container(started, "running", state.pid(), args(started),
                    started.startedAt(), null, 0, null);
            return new Started(view, attachment);
        } catch (RuntimeException e) {
            if (network != null) {
                network.awaitQuietly();
            }
            releaseRuntime(record);
            if (store.findById(record.id()).isEmpty()) {
                files(record.id()).delete();
                throw e;
            }
            store.update(record.withState(record.state(), record.startedAt(),
                    record.finishedAt(), record.exitCode(), e.getMessage(), 0));
            throw e;
        }
    }

    /**
     * A container's network attach, begun on a thread of its own as soon as its process (and
     * so its network namespace) exists: the CNI plugins' tens of milliseconds then overlap the
     * kernel's cgroup placement and the shim's making of the root. It touches the network
     * state and the container's files, never the store, which is this thread's alone.
     */
    private final class NetworkAttach {
        private final ContainerRecord record;
        private final ImageConfig image;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile boolean begun;

        NetworkAttach(ContainerRecord record, ImageConfig image) {
            this.record = record;
            this.image = image;
        }

        void begin(long pid) {
            begun = true;
            Thread.ofPlatform().daemon(true).name("network-" + record.id().substring(0, 12))
                    .start(() -> {
                        try {
                            containerNetworks.connect(record, pid, image, files(record.id()));
                            done.complete(null);
                        } catch (Throwable t) {
                            done.completeExceptionally(t);
                        }
                    });
        }

        /** Waits for the attach; its failure is the start's. */
        void await() {
            if (!begun) {
                throw new IllegalStateException("the runtime created " + record.id()
                        + " without telling its pid");
            }
            try {
                done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /** Before undoing a failed start: the attach, if begun, must be over first. */
        void awaitQuietly() {
            if (begun) {
                try {
                    done.join();
                } catch (CompletionException e) {
                    // The start's own failure is the one reported.
                }
            }
        }
    }

    private CreateOptions createOptions(ContainerRecord record) {
        LogSettings log = LogSettings.of(record.request());
        return new CreateOptions(record.request().openStdin(),
                log.readable() ? files(record.id()).log() : null, null)
                .withExitCommand(config.exitCommand(record.id()))
                .withLogRotation(log.rotation());
    }

    /**
     * Mounts the root filesystem, writes the container's /etc files and its config.json; returns
     * the spec written.
     */
    private Spec prepare(ContainerRecord record, Image image) {
        ContainerFiles files = files(record.id());
        IdShift shift = record.usernsHostId() == null ? null
                : new IdShift(record.usernsHostId(), USERNS_SIZE);
        files.create();
        if (record.request().autoRemove()) {
            images.mountThrowAwaySnapshot(image, files.snapshot(), files.rootfs(), shift);
        } else {
            StartTrace.mark(record.id(), "prepare: mount");
            images.mountSnapshot(image, files.snapshot(), files.rootfs(), shift);
        }

        ContainerRequest request = record.request();
        String hostname = SpecConverter.hostname(record.id(), request);
        files.writeEtc(hostname, Path.of("/etc/resolv.conf"));
        StartTrace.mark(record.id(), "prepare: etc");
        String groups = files.readInRoot("/etc/group");
        ResolvedUser user = ResolvedUser.resolve(request.user(),
                files.readInRoot("/etc/passwd"), groups).withGroups(request.groupAdd(), groups);
        SpecConverter.IdRange range = shift == null ? null
                : new SpecConverter.IdRange(shift.hostId(), shift.size());
        populateVolumes(record, files, shift);
        ContainerRequest mounting = Binds.withVolumes(request,
                v -> volumes.data(VolumeStore.anonymousName(record.id(), v)), volumes::data);
        Spec spec = SpecConverter.convert(new SpecConverter.Input(record.id(), mounting,
                image.config(), files.rootfs(), user, files.hosts(), files.hostname(),
                files.resolvConf(), range, cgroupsPath(record.id()),
                containerNetworks.joinedNetns(request, this::get), host));
        StartTrace.mark(record.id(), "prepare: user, convert");
        makeWorkingDir(spec.process().cwd(), files, shift);
        spec = Confinement.withSeccomp(spec, request);
        Confinement.forgetOomKill(files.dir());
        SpecJson.write(spec, files.bundle().resolve("config.json"));
        StartTrace.mark(record.id(), "prepare: seccomp, config.json");
        return spec;
    }

    /**
     * Fills each new volume, anonymous or named, with the image's files at its path, found
     * inside the container's root (a symlink there never leads out of it); the root is already
     * shifted for a user namespace, so the copies' owners are the container's.
     */
    private void populateVolumes(ContainerRecord record, ContainerFiles files, IdShift shift) {
        long rootId = shift == null ? 0 : shift.hostId();
        for (Binds.Bind b : Binds.parse(record.request())) {
            if (b.volume() != null) {
                populateVolume(b.volume(), b.destination(), !b.noCopy(), files, rootId);
            }
        }
        for (String destination : Binds.volumes(record.request())) {
            populateVolume(VolumeStore.anonymousName(record.id(), destination), destination,
                    true, files, rootId);
        }
    }

    /** With copy false (nocopy), a new volume is only given to the container's root. */
    private void populateVolume(String name, String destination, boolean copy,
            ContainerFiles files, long rootId) {
        if (!copy) {
            volumes.populate(name, null, rootId, rootId);
            return;
        }
        Path source;
        try {
            source = RootedPath.rootOf(files.rootfs()).resolve(destination, true,
                    RootedPath.Missing.APPEND, new ArrayList<>()).onHost();
        } catch (IOException e) {
            source = null;
        }
        if (source != null && Files.exists(source, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidRequestException("cannot mount volume over existing file,"
                    + " file exists " + destination);
        }
        volumes.populate(name, source, rootId, rootId);
    }

    /**
     * A working folder the image lacks is made inside the container's root, as docker does
     * (-w /newdir, an imported image's WORKDIR), owned by the container's root.
     */
    private static void makeWorkingDir(String cwd, ContainerFiles files, IdShift shift) {
        if (cwd == null || cwd.equals("/")) {
            return;
        }
        List<Path> made = new ArrayList<>();
        try {
            RootedPath.rootOf(files.rootfs()).resolve(cwd, true, RootedPath.Missing.CREATE,
                    made);
            if (shift != null) {
                for (Path folder : made) {
                    Files.setAttribute(folder, "unix:uid", (int) shift.hostId(),
                            LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(folder, "unix:gid", (int) shift.hostId(),
                            LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (IOException e) {
            // A path through a file: the container's chdir then says what is wrong.
        }
    }

    private static NotFoundException noSuchImage(ContainerRecord record) {
        return new NotFoundException("No such image: " + record.imageId());
    }

    /**
     * Removes the runtime's container (if any), its network endpoints and its root
     * filesystem mount.
     */
    private void releaseRuntime(ContainerRecord record) {
        releaseRuntime(record, false);
    }

    /**
     * As {@link #releaseRuntime(ContainerRecord)}; with {@code keepNetwork}, the endpoints are
     * left to the caller, which detaches them once the container is removed.
     */
    private void releaseRuntime(ContainerRecord record, boolean keepNetwork) {
        if (!keepNetwork) {
            containerNetworks.disconnect(record.id());
            StartTrace.mark(record.id(), "release: disconnect");
        }
        try {
            runtime.delete(record.id(), true);
        } catch (NoSuchContainerException e) {
            // Already gone: nothing of the runtime's remains.
        }
        images.unmountSnapshot(files(record.id()).rootfs());
        StartTrace.mark(record.id(), "release: unmount");
    }

    /** What `exec` runs in a container: docker's exec flags. */
    public record ExecRequest(List<String> cmd, List<String> env, String workingDir, String user,
            boolean tty, boolean stdin, boolean detach) {
    }

    /**
     * Runs another process in a running container's namespaces and cgroup, as the container's
     * user with its capabilities unless asked otherwise; -e adds to the container's environment.
     */
    public ExecSession exec(String nameOrId, ExecRequest request) {
        if (request.cmd() == null || request.cmd().isEmpty()) {
            throw new InvalidRequestException("no command specified");
        }
        ExecSpec spec = ExecSpec.of(request.cmd()).withEnvAndCwd(
                request.env() == null || request.env().isEmpty() ? null : request.env(),
                request.workingDir() == null || request.workingDir().isEmpty() ? null
                        : request.workingDir());
        if (request.tty()) {
            spec = spec.withTty(0, 0);
        }
        if (request.stdin()) {
            spec = spec.withStdin();
        }
        if (request.detach()) {
            spec = spec.detached();
        }
        return exec(nameOrId, spec, request.user());
    }

    /** Gives a container another name (docker rename). */
    public void rename(String nameOrId, String newName) {
        Container c = get(nameOrId);
        String name = Names.validate(newName);
        try {
            store.update(c.record().withName(name));
        } catch (NameConflictException e) {
            throw new ConflictException(e.getMessage());
        }
    }

    /** The host pids of a running container's processes, from its cgroup (docker top). */
    public List<Long> pids(String nameOrId) {
        Container c = get(nameOrId);
        if (!c.running()) {
            throw new ConflictException("container " + c.id() + " is not running");
        }
        return cgroups.pids(cgroupsPath(c.id()));
    }

    /**
     * The processes of a running container as the host's ps shows them with {@code psArgs}
     * (docker top; {@code -ef} when null or blank).
     */
    public ProcessTable top(String nameOrId, String psArgs) {
        return ProcessTable.of(new java.util.HashSet<>(pids(nameOrId)), psArgs);
    }

    /** Memory, CPU and pids of a running container, from its cgroup (docker stats). */
    public io.berth.cgroups.Stats stats(String nameOrId) {
        Container c = get(nameOrId);
        if (!c.running()) {
            throw new ConflictException("container " + c.id() + " is not running");
        }
        return cgroups.stats(cgroupsPath(c.id()));
    }

    private static String cgroupsPath(String id) {
        return CgroupPath.below(id);
    }

    /**
     * Changes a container's resource limits (docker update): in its cgroup at once when it
     * runs, and in its record for every later start.
     */
    public Container update(String nameOrId, ResourceUpdate update) {
        Container c = get(nameOrId);
        ContainerRequest changed = update.applyTo(c.request());
        Spec.Resources limits = Resources.limits(changed, host);
        if (c.running() && limits != null) {
            cgroups.update(cgroupsPath(c.id()), limits);
        }
        // Re-read: the container may have exited meanwhile, and its exit must not be undone.
        store.findById(c.id()).ifPresent(r -> store.update(r.withRequest(changed)));
        return get(c.id());
    }

    /** Whether a container's last run ended in an OOM kill (docker's State.OOMKilled). */
    public boolean oomKilled(Container c) {
        return Confinement.oomKilled(files(c.id()).dir());
    }

    /** Removes every container that is not running (docker container prune); their ids. */
    public List<String> prune() throws InterruptedException {
        List<String> removed = new ArrayList<>();
        for (Container c : list(true)) {
            if (!c.running()) {
                remove(c.id(), false);
                removed.add(c.id());
            }
        }
        return removed;
    }

    /**
     * What {@code system prune} removed.
     *
     * @param containers ids of the stopped containers removed
     * @param networks names of the unused user networks removed
     * @param images ids of the dangling images removed
     * @param reclaimed bytes: the containers' writable layers and the images' layers
     * @param leftovers a line per thing a crash left that was released (runtime state,
     *     endpoints, leases, mounts, cgroups)
     */
    public record SystemPruned(List<String> containers, List<String> networks,
            List<String> images, long reclaimed, List<String> leftovers) {
    }

    /**
     * docker system prune: first what crashed runs left that no container owns, then stopped
     * containers, unused user networks and dangling images.
     */
    public SystemPruned systemPrune() throws InterruptedException {
        return systemPrune(false);
    }

    /**
     * docker's SizeRw and SizeRootFs of a container: its writable layer's bytes, and those with
     * its image's (0 for an image removed since).
     */
    public ContainerSize size(Container c) {
        long rw = files(c.id()).layerSize();
        long image = images.find(c.record().imageId()).map(Image::size).orElse(0L);
        return new ContainerSize(rw, rw + image);
    }

    /**
     * docker system prune, with {@code allImages} (-a) every image no container uses rather
     * than the dangling ones only.
     */
    public SystemPruned systemPrune(boolean allImages) throws InterruptedException {
        List<String> swept = leftovers.sweep();
        List<String> removed = new ArrayList<>();
        long reclaimed = 0;
        for (Container c : list(true)) {
            if (c.running()) {
                continue;
            }
            long size = files(c.id()).writableSize();
            try {
                remove(c.id(), false);
            } catch (ConflictException | NotFoundException startedOrGoneMeanwhile) {
                continue;
            }
            removed.add(c.id());
            reclaimed += size;
        }
        List<String> nets = networks.prune();
        java.util.Set<String> inUse = new java.util.HashSet<>();
        list(true).forEach(c -> inUse.add(c.record().imageId()));
        io.berth.image.PruneResult pruned = images.prune(allImages, inUse);
        return new SystemPruned(removed, nets, pruned.deleted(), reclaimed + pruned.reclaimed(),
                swept);
    }

    /** Sets the size of a running container's terminal. */
    public void resize(String nameOrId, int rows, int columns) {
        Container c = get(nameOrId);
        if (c.running() && c.request().tty()) {
            runtime.resize(c.id(), rows, columns);
        }
    }

    /** Freezes every process of a running container (docker pause). */
    public void pause(String nameOrId) {
        Container c = get(nameOrId);
        if ("paused".equals(c.status())) {
            throw new ConflictException("Container " + c.id() + " is already paused");
        }
        if (!"running".equals(c.status())) {
            throw new ConflictException("Container " + c.id() + " is not running");
        }
        runtime.pause(c.id());
    }

    /** Thaws a paused container (docker unpause). */
    public void unpause(String nameOrId) {
        Container c = get(nameOrId);
        if (!"paused".equals(c.status())) {
            throw new ConflictException("Container " + c.id() + " is not paused");
        }
        runtime.resume(c.id());
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
            StartTrace.mark(c.id(), "await: exited");
        } catch (NoSuchContainerException e) {
            // Finished by another client meanwhile; the store has the outcome.
        }
        Optional<ContainerRecord> after = store.findById(c.id());
        StartTrace.mark(c.id(), "await: finished (view)");
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
        return stop(nameOrId, timeout, null);
    }

    /**
     * Stops as {@link #stop(String, Duration)} does, with another signal than the container's
     * own stop signal when one is given (docker stop --signal).
     *
     * @param signal a name (TERM, SIGTERM) or number; null or empty for the stop signal
     */
    public Container stop(String nameOrId, Duration timeout, String signal)
            throws InterruptedException {
        int number = signal == null || signal.isEmpty() ? 0 : Signals.parse(signal);
        Container c = get(nameOrId);
        if (!c.running()) {
            return c;
        }
        markStopped(c);
        signal(c, number != 0 ? number : stopSignal(c));
        if (!awaitExit(c.id(), timeout)) {
            signal(c, Signals.SIGKILL);
            runtime.await(c.id());
        }
        return get(c.id());
    }

    /**
     * Stops a container as {@link #stop} does, then starts it again; a stopped one is only
     * started (docker restart). As with docker, a manual restart does not count as one of the
     * restart policy's: RestartCount goes back to 0, and the stop marks the container stopped
     * by hand so that its policy does not start it a second time meanwhile.
     */
    public Container restart(String nameOrId, Duration timeout) throws InterruptedException {
        return restart(nameOrId, timeout, null);
    }

    /** Restarts with another signal than the stop signal when one is given (--signal). */
    public Container restart(String nameOrId, Duration timeout, String signal)
            throws InterruptedException {
        Container c = get(nameOrId);
        if (!c.request().autoRemove()) {
            stop(c.id(), timeout, signal);
            return start(c.id());
        }
        // docker's rule: a --rm container lives on through a restart, so the exit its stop
        // causes must not remove it, whoever finishes that exit (this call or the monitor's
        // exit command).
        setAutoRemove(c.id(), false);
        try {
            stop(c.id(), timeout, signal);
            start(c.id());
        } finally {
            setAutoRemove(c.id(), true);
        }
        return get(c.id());
    }

    private void setAutoRemove(String id, boolean autoRemove) {
        store.findById(id).ifPresent(r -> store.update(r.withRequest(
                r.request().toBuilder().autoRemove(autoRemove).build())));
    }

    /**
     * Sends a signal, then thaws a paused container: a frozen process takes no signal, so
     * stop and rm -f of a paused container would otherwise wait for ever (docker thaws too).
     */
    private void signal(Container c, int signal) {
        runtime.kill(c.id(), signal);
        if ("paused".equals(c.status()) && stillPaused(c.id())) {
            runtime.resume(c.id());
        }
    }

    /** Asked of the runtime, not of a view: a first signal of the same stop has thawed it. */
    private boolean stillPaused(String id) {
        try {
            return runtime.state(id).status() == Status.PAUSED;
        } catch (NoSuchContainerException e) {
            return false; // finished and released by another client meanwhile
        }
    }

    private int stopSignal(Container c) {
        String requested = c.request().stopSignal();
        if (requested != null && !requested.isEmpty()) {
            return Signals.parse(requested);
        }
        String fromImage = imageConfig(c.record()).stopSignal();
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
        if (number == Signals.SIGKILL || number == Signals.SIGTERM) {
            markStopped(c);
        }
        if (number == Signals.SIGKILL) {
            signal(c, number); // a paused one dies too, as docker's does
        } else {
            runtime.kill(c.id(), number);
        }
    }

    /** A container a user stopped is not started again by its restart policy. */
    private void markStopped(Container c) {
        store.findById(c.id()).ifPresent(r -> store.update(r.withRestarts(r.restartCount(),
                true)));
    }

    /** Removes a container; a running one only with force, which kills it first. */
    public void remove(String nameOrId, boolean force) throws InterruptedException {
        remove(nameOrId, force, false);
    }

    /**
     * docker rm, with {@code removeVolumes} (-v) its anonymous volumes too; without, they stay
     * for volume prune, as docker's do.
     */
    public void remove(String nameOrId, boolean force, boolean removeVolumes)
            throws InterruptedException {
        Container c = get(nameOrId);
        if (c.running() && !force) {
            throw new ConflictException("cannot remove container \"/" + c.name()
                    + "\": container is running: stop the container before removing or force "
                    + "remove");
        }
        if (c.running()) {
            killAndAwait(c);
        }
        releaseRuntime(c.record());
        runtime.deleteUnfinished(c.id()); // a create whose CLI died before it recorded its state
        StartTrace.mark(c.id(), "remove: release");
        deleteFiles(c.id());
        StartTrace.mark(c.id(), "remove: files aside");
        store.delete(c.id());
        StartTrace.mark(c.id(), "remove: store delete");
        if (removeVolumes) {
            volumeBook.removeAnonymous(c.record());
        }
    }

    /** The volume a container mounts at destination, with where its files are. */
    public record VolumeMount(String name, Path data, String destination, boolean readOnly) {
    }

    /** A container's volumes: its named ones, then its anonymous ones, as it asked for them. */
    public List<VolumeMount> volumeMounts(Container c) {
        List<VolumeMount> out = new ArrayList<>();
        for (Binds.Bind b : Binds.parse(c.request())) {
            if (b.volume() != null) {
                out.add(new VolumeMount(b.volume(), volumes.data(b.volume()), b.destination(),
                        b.readOnly()));
            }
        }
        for (String destination : Binds.volumes(c.request())) {
            String name = VolumeStore.anonymousName(c.id(), destination);
            out.add(new VolumeMount(name, volumes.data(name), destination, false));
        }
        return out;
    }

    /**
     * docker volume create: a named volume (a random 64-hex name when name is null or empty)
     * of the local driver, or the one of that name already there. Driver options are refused.
     */
    public Volume createVolume(String name, String driver, Map<String, String> labels,
            Map<String, String> options) {
        return volumeBook.create(name, driver, labels, options);
    }

    /** The volume, if it is there. */
    public Optional<Volume> findVolume(String name) {
        return volumeBook.find(name);
    }

    /** The volume, or a NotFoundException in dockerd's words. */
    public Volume volume(String name) {
        return volumeBook.get(name);
    }

    /** The volumes, named and anonymous, that pass the filter, by name. */
    public List<Volume> volumes(VolumeFilter filter) {
        return volumeBook.list(filter);
    }

    /**
     * docker volume rm: refused while any container, even a stopped one, has the volume; with
     * force, a volume that is not there is no error.
     */
    public void removeVolume(String name, boolean force) {
        volumeBook.remove(name, force);
    }

    /** docker volume rm without force. */
    public void removeVolume(String name) {
        removeVolume(name, false);
    }

    /** What volume prune removed: the volumes and the bytes they held. */
    public record VolumesPruned(List<String> removed, long reclaimed) {
    }

    /**
     * docker volume prune: the volumes no container has that pass the filter; anonymous ones
     * only, unless all.
     */
    public VolumesPruned pruneVolumes(boolean all, VolumeFilter filter) {
        Volumes.Pruned pruned = volumeBook.prune(all, filter);
        return new VolumesPruned(pruned.removed(), pruned.reclaimed());
    }

    /** docker volume prune with no options: every anonymous volume no container has. */
    public VolumesPruned pruneVolumes() {
        return pruneVolumes(false, VolumeFilter.none());
    }

    /**
     * SIGKILL, then waits for the exit. Another finisher (the service's exit follower, say) may
     * release the runtime's container meanwhile; then it is gone already, which is all we want.
     */
    private void killAndAwait(Container c) throws InterruptedException {
        try {
            signal(c, Signals.SIGKILL);
            runtime.await(c.id());
        } catch (NoSuchContainerException e) {
            // Finished and released by another finisher.
        }
    }

    /**
     * Finishes a container whose process has exited, as the shim's exit command asks when
     * nobody is watching: the exit is recorded, mounts, endpoints and cgroup are released, and
     * a --rm container is removed. A container that is still running is left alone.
     */
    public void cleanup(String id) throws InterruptedException {
        Optional<ContainerRecord> found = store.findById(id);
        if (found.isEmpty()) {
            releaseOrphan(id);
            return;
        }
        Container c = view(found.get());
        RestartPolicy policy = RestartPolicy.parse(c.request().restartPolicy());
        if (c.running() || !policy.restarts(c.exitCode(), c.record().restartCount(),
                c.record().manuallyStopped())) {
            return;
        }
        try (RestartTurn turn = RestartTurn.tryTake(files(c.id()).dir())) {
            if (turn == null) {
                return; // another finisher restarts it
            }
            Thread.sleep(policy.backoff(c.record().restartCount(), c.startedAt(),
                    c.finishedAt()).toMillis());
            Optional<ContainerRecord> now = store.findById(c.id());
            if (now.isEmpty() || now.get().manuallyStopped()
                    || !"exited".equals(now.get().state())
                    || now.get().restartCount() != c.record().restartCount()) {
                return; // removed, stopped, or restarted by another finisher meanwhile
            }
            store.update(now.get().withRestarts(now.get().restartCount() + 1, false));
            start(c.id(), false, true);
        }
    }

    /**
     * Releases what a run left whose container was removed while it ran (a restart racing a
     * removal): runtime state, endpoints, mount and folder. Only ids without a row get here.
     */
    private void releaseOrphan(String id) {
        if (!Names.isHex(id) || id.length() != 64) {
            return;
        }
        containerNetworks.disconnect(id);
        try {
            runtime.delete(id, true);
        } catch (NoSuchContainerException e) {
            runtime.deleteUnfinished(id); // a create that died before it recorded its state
        }
        images.unmountSnapshot(files(id).rootfs());
        files(id).delete();
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
            return finish(record, exitStatus(record.id()));
        }
        String status = state.status() == Status.PAUSED ? "paused" : "running";
        return new Container(record, status, state.pid(), args(record), record.startedAt(),
                null, 0, null);
    }

    /**
     * The exit the runtime recorded; null when another client released it meanwhile. The
     * runtime calls a container stopped as soon as its process is gone, a moment before the
     * monitor has written how it ended: that moment is waited out (2 s at most), or the exit
     * would be taken for a lost monitor's 255.
     */
    private ExitStatus exitStatus(String id) {
        long deadline = System.nanoTime() + EXIT_RECORD_WAIT.toNanos();
        try {
            Optional<ExitStatus> exit = runtime.exitStatus(id);
            while (exit.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
                exit = runtime.exitStatus(id);
            }
            return exit.orElse(null);
        } catch (NoSuchContainerException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Records a container's exit and releases what its run held. Several clients may find the
     * same exit at once; they take turns, and each re-reads the row, so the outcome is the
     * first one's.
     */
    private Container finish(ContainerRecord seen, ExitStatus exit) {
        try (FinishLock held = FinishLock.hold(config.runroot())) {
            return finishHolding(seen, exit);
        }
    }

    private Container finishHolding(ContainerRecord seen, ExitStatus exit) {
        Optional<ContainerRecord> latest = store.findById(seen.id());
        if (latest.isPresent() && !"running".equals(latest.get().state())) {
            return staticView(latest.get());
        }
        Optional<Integer> removedExit = store.removedExit(seen.id());
        if (latest.isEmpty() && removedExit.isPresent()) {
            // Finished and removed (--rm) by another client meanwhile.
            return staticView(seen.withState("exited", seen.startedAt(), Instant.now(),
                    removedExit.get(), null, 0));
        }
        ContainerRecord record = latest.orElse(seen);
        int code = exit == null ? 255 : exit.exitCode();
        Instant finished = exit == null ? Instant.now() : exit.finishedAt();
        String error = exit == null ? "the container's monitor is gone" : null;
        ContainerRecord done = record.withState("exited", record.startedAt(), finished, code,
                error, 0);
        Confinement.recordOomKill(cgroups, cgroupsPath(record.id()), files(record.id()).dir());
        StartTrace.mark(record.id(), "finish: oom");
        // A resident engine detaches a removed container's network after answering, as it
        // deletes its folder: the CNI plugins' DEL took 10-17 ms of every `run --rm` on the
        // default bridge. Its namespace is gone with its process, so until then the endpoint
        // is stale, and whatever meets it first (network rm, the next start's sweep) releases
        // it as such.
        boolean detachLater = record.request().autoRemove() && config.resident();
        releaseRuntime(record, detachLater);
        StartTrace.mark(record.id(), "finish: releaseRuntime");
        if (record.request().autoRemove()) {
            store.recordRemovedExit(record.id(), code, Instant.now());
            deleteFiles(record.id());
            store.delete(record.id());
            // --rm takes the container's anonymous volumes with it, as docker's does.
            volumeBook.removeAnonymous(record);
            if (detachLater) {
                inBackground(Thread.ofPlatform(), "disconnect-" + record.id().substring(0, 12),
                        "detach a removed container's network",
                        () -> containerNetworks.disconnect(record.id()));
            }
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
        try {
            return SpecConverter.args(record.request(), imageConfig(record));
        } catch (InvalidRequestException e) {
            return List.of();
        }
    }

    /**
     * Deletes a removed container's folder (its upper layer, log and bundle; its mounts are
     * gone): at once, or in a resident engine moved aside and deleted after the caller has its
     * answer, since those milliseconds (many more when other writers load the disk) were part
     * of every `docker rm` and `run --rm`. {@link #close()} waits for what is left.
     */
    private void deleteFiles(String id) {
        if (!config.resident()) {
            files(id).delete();
            return;
        }
        ContainerFiles aside = files(id).moveAside();
        if (aside != null) {
            deleteInBackground(aside, id.substring(0, 12));
        }
    }

    private void deleteInBackground(ContainerFiles aside, String name) {
        inBackground(Thread.ofVirtual(), "delete-" + name, "delete a removed container's folder",
                aside::delete);
    }

    /**
     * Work on a removed container left for after the answer; {@link #close()} waits for it.
     * A platform thread for work that waits on processes (CNI plugins), which would hold a
     * virtual thread's carrier.
     */
    private void inBackground(Thread.Builder builder, String name, String what, Runnable work) {
        Thread t = builder.name(name).unstarted(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                System.getLogger(Engine.class.getName()).log(System.Logger.Level.ERROR, what, e);
            } finally {
                deletions.remove(Thread.currentThread());
            }
        });
        deletions.add(t);
        t.start();
    }

    private ContainerFiles files(String id) {
        return new ContainerFiles(config.root().resolve("containers").resolve(id));
    }

    /**
     * Runs a process in a running container, as `docker exec`: the given environment is laid
     * over the container's, and a user given by name is looked up in the container's
     * /etc/passwd and /etc/group. Attached unless the spec is detached.
     *
     * @param user docker's --user (name or uid, optional :group), or null for the container's
     */
    public ExecSession exec(String nameOrId, ExecSpec spec, String user) {
        Container c = execTarget(nameOrId);
        ExecSpec merged = spec;
        if (spec.env() != null) {
            Spec config = SpecJson.read(files(c.id()).bundle().resolve("config.json"));
            List<String> env = new ArrayList<>(config.process().env() == null ? List.of()
                    : config.process().env());
            env.addAll(spec.env());
            merged = merged.withEnvAndCwd(env, spec.cwd());
        }
        if (user != null && !user.isEmpty()) {
            ContainerFiles files = files(c.id());
            ResolvedUser resolved = ResolvedUser.resolve(user, files.readInRoot("/etc/passwd"),
                    files.readInRoot("/etc/group"));
            merged = merged.withUser(resolved.uid(), resolved.gid());
        }
        return runtime.exec(c.id(), merged);
    }

    /**
     * The container an exec may run in: a running one. dockerd's words otherwise, naming a
     * paused container as the caller named it.
     */
    public Container execTarget(String nameOrId) {
        Container c = get(nameOrId);
        if ("paused".equals(c.status())) {
            throw new ConflictException("Container " + nameOrId
                    + " is paused, unpause the container before exec");
        }
        if (!"running".equals(c.status())) {
            throw new ConflictException("container " + c.id() + " is not running");
        }
        return c;
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
        return imageConfig(c.record());
    }

    /**
     * Image configs by image id, read once per engine: an id names its content, so the config
     * cannot change, and `ps` of many containers of one image looks it up only once.
     */
    private io.berth.spec.ImageConfig imageConfig(ContainerRecord record) {
        return imageConfigs.computeIfAbsent(record.imageId(), id -> images.find(id)
                .map(Image::config).orElse(io.berth.spec.ImageConfig.empty()));
    }

    /** A container's network endpoints, one per network it is attached to. */
    public List<Endpoint> endpoints(String id) {
        return networks.endpoints(id);
    }

    /** What a path in a container is (docker's HEAD /containers/{id}/archive). */
    public PathStat statPath(String nameOrId, String path) {
        return new ContainerArchive(this, Sys.linux()).stat(nameOrId, path);
    }

    /** A tar of a path in a container, running or not (GET /containers/{id}/archive). */
    public ArchiveStream copyFrom(String nameOrId, String path) {
        return new ContainerArchive(this, Sys.linux()).copyFrom(nameOrId, path);
    }

    /** Extracts a tar into a container's folder, owned by its root (PUT .../archive). */
    public void copyTo(String nameOrId, String path, java.io.InputStream tar,
            boolean noOverwriteDirNonDir) {
        copyTo(nameOrId, path, tar, noOverwriteDirNonDir, false);
    }

    /** Extracts a tar into a container's folder; copyUidGid keeps the tar's ids (cp -a). */
    public void copyTo(String nameOrId, String path, java.io.InputStream tar,
            boolean noOverwriteDirNonDir, boolean copyUidGid) {
        new ContainerArchive(this, Sys.linux()).copyTo(nameOrId, path, tar, noOverwriteDirNonDir,
                copyUidGid);
    }

    /**
     * Where a container's log is written: the live file; rotated ones lie beside it as
     * {@code <path>.1}, {@code <path>.2}, ... (see {@link ContainerLog}).
     */
    public Path logPath(String id) {
        return files(id).log();
    }

    /**
     * A container's log, for `logs`: its path, or a conflict when its driver keeps none
     * (docker's words for --log-driver none).
     */
    public Path readableLog(Container c) {
        if (!LogSettings.of(c.request()).readable()) {
            throw new ConflictException("configured logging driver does not support reading");
        }
        return logPath(c.id());
    }

    @Override
    public void close() {
        for (Thread deletion : List.copyOf(deletions)) {
            try {
                deletion.join(java.time.Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        runtime.close();
        store.close();
    }
}
