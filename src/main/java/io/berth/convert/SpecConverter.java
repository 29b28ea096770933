package io.berth.convert;

import io.berth.spec.Capability;
import io.berth.spec.ImageConfig;
import io.berth.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one path from user intent to a complete OCI runtime spec: docker's defaults for command,
 * environment, mounts, devices, masked paths and capabilities, and the namespaces the request
 * names. Pure: it reads no files and touches no kernel state.
 */
public final class SpecConverter {

    /** Docker's default PATH, used when the image sets none. */
    public static final String DEFAULT_PATH =
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Docker's default capability set: 14 capabilities, CapEff 00000000a80425fb. */
    public static final List<Capability> DEFAULT_CAPABILITIES = List.of(
            Capability.CHOWN, Capability.DAC_OVERRIDE, Capability.FSETID, Capability.FOWNER,
            Capability.MKNOD, Capability.NET_RAW, Capability.SETGID, Capability.SETUID,
            Capability.SETFCAP, Capability.SETPCAP, Capability.NET_BIND_SERVICE,
            Capability.SYS_CHROOT, Capability.KILL, Capability.AUDIT_WRITE);

    static final List<String> MASKED_PATHS = List.of("/proc/asound", "/proc/acpi", "/proc/kcore",
            "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
            "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");

    static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq",
            "/proc/sys", "/proc/sysrq-trigger");

    /** Makes the shim run a tiny init as PID 1 that reaps zombies and forwards signals. */
    public static final String INIT_ANNOTATION = "io.berth.init";

    private SpecConverter() {
    }

    /** Everything the conversion needs besides the request: facts the engine has gathered. */
    public record Input(
            String id,
            ContainerRequest request,
            ImageConfig image,
            Path rootfs,
            ResolvedUser user,
            Path hostsFile,
            Path hostnameFile,
            Path resolvConfFile,
            IdRange userns,
            String cgroupsPath,
            String joinNetns,
            Host host) {

        /** Facts of this machine, read from it: the engine's usual input. */
        public Input(String id, ContainerRequest request, ImageConfig image, Path rootfs,
                ResolvedUser user, Path hostsFile, Path hostnameFile, Path resolvConfFile,
                IdRange userns, String cgroupsPath, String joinNetns) {
            this(id, request, image, rootfs, user, hostsFile, hostnameFile, resolvConfFile,
                    userns, cgroupsPath, joinNetns, Host.linux());
        }
    }

    /** A container's id range in a user namespace: container id 0 is host id {@code hostId}. */
    public record IdRange(long hostId, long size) {
    }

    /**
     * Converts; an impossible request (no command, a bad mode, a limit out of range) is
     * InvalidRequestException. linux.seccomp is left to the caller, which owns the profiles.
     */
    public static Spec convert(Input in) {
        ContainerRequest req = in.request();
        ImageConfig image = in.image() == null ? ImageConfig.empty() : in.image();
        String hostname = hostname(in.id(), req);

        Spec.ConsoleSize size = req.tty() && req.consoleSize() != null
                && req.consoleSize().size() == 2 && req.consoleSize().get(0) > 0
                ? new Spec.ConsoleSize(req.consoleSize().get(0), req.consoleSize().get(1)) : null;
        Spec.Process process = new Spec.Process(req.tty(), size,
                new Spec.User(in.user().uid(), in.user().gid(), null,
                        in.user().additionalGids().isEmpty() ? null : in.user().additionalGids()),
                args(req, image), env(req, image, hostname, in.user()), cwd(req, image),
                capabilities(req, in.host()), Security.rlimits(req, in.host()),
                Security.noNewPrivileges(req) ? Boolean.TRUE : null, Security.oomScoreAdj(req));

        boolean confined = Security.confinedPaths(req);
        Spec.Linux linux = new Spec.Linux(namespaces(req, in.joinNetns()), idMappings(in.userns()),
                idMappings(in.userns()), null, devices(req, in.host()), in.cgroupsPath(),
                resources(req, in.host()), "rprivate", Security.sysctls(req), null,
                confined ? MASKED_PATHS : null, confined ? READONLY_PATHS : null, null);

        return new Spec(Spec.OCI_VERSION, process,
                new Spec.Root(in.rootfs().toString(), req.readonlyRootfs()),
                isHost(req.utsMode()) ? null : hostname, domainname(req),
                mounts(in, req), null, labels(req), linux);
    }

    /** The container's hostname: --hostname, else the first 12 hex digits of its id. */
    public static String hostname(String id, ContainerRequest req) {
        if (req.hostname() != null && !req.hostname().isEmpty()) {
            // The kernel takes at most 64 bytes (HOST_NAME_MAX); say so before it does.
            if (req.hostname().length() > 64 || req.hostname().contains("/")) {
                throw new InvalidRequestException("invalid hostname format: " + req.hostname()
                        + " (at most 64 characters)");
            }
            return req.hostname();
        }
        return id.substring(0, 12);
    }

    private static String domainname(ContainerRequest req) {
        return req.domainname() == null || req.domainname().isEmpty() ? null : req.domainname();
    }

    /** Docker's rule: --entrypoint replaces the image's and drops its Cmd too. */
    public static List<String> args(ContainerRequest req, ImageConfig image) {
        List<String> entrypoint = req.entrypoint() != null ? req.entrypoint()
                : nonNull(image.entrypoint());
        List<String> cmd;
        if (req.cmd() != null && !req.cmd().isEmpty()) {
            cmd = req.cmd();
        } else if (req.entrypoint() != null) {
            cmd = List.of();
        } else {
            cmd = nonNull(image.cmd());
        }
        List<String> args = new ArrayList<>(entrypoint);
        args.addAll(cmd);
        if (args.isEmpty()) {
            throw new InvalidRequestException("no command specified");
        }
        return args;
    }

    /** Image env, then the request's (later wins), with PATH, HOSTNAME and HOME defaulted. */
    public static List<String> env(ContainerRequest req, ImageConfig image, String hostname,
            ResolvedUser user) {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, DEFAULT_PATH);
        put(env, "HOSTNAME=" + hostname);
        nonNull(image.env()).forEach(e -> put(env, e));
        nonNull(req.env()).forEach(e -> put(env, e));
        if (req.tty()) {
            env.putIfAbsent("TERM", "xterm");
        }
        env.putIfAbsent("HOME", user.home());
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /**
     * Refuses at create an Env entry without a name ({@code =x}, {@code ""}), which would
     * otherwise fail only at start.
     */
    public static void checkEnv(ContainerRequest req) {
        Map<String, String> env = new LinkedHashMap<>();
        nonNull(req.env()).forEach(e -> put(env, e));
    }

    private static void put(Map<String, String> env, String entry) {
        int eq = entry.indexOf('=');
        if (eq <= 0 || entry.indexOf('\0') >= 0) {
            throw new InvalidRequestException("invalid environment variable: "
                    + entry.replace("\0", "\\0"));
        }
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }

    private static String cwd(ContainerRequest req, ImageConfig image) {
        String dir = req.workingDir() != null && !req.workingDir().isEmpty() ? req.workingDir()
                : image.workingDir();
        if (dir == null || dir.isEmpty()) {
            return "/";
        }
        if (!dir.startsWith("/")) {
            throw new InvalidRequestException(
                    "the working directory '" + dir
                            + "' is invalid, it needs to be an absolute path");
        }
        return dir;
    }

    private static Spec.Capabilities capabilities(ContainerRequest req, Host host) {
        List<String> names = Security.capabilities(req, host);
        return new Spec.Capabilities(names, names, null, names, null);
    }

    /** The limits of the request and its device cgroup: every container has one. */
    static Spec.Resources resources(ContainerRequest req, Host host) {
        Spec.Resources limits = Resources.limits(req, host);
        List<Spec.DeviceRule> rules = Security.deviceRules(req, host);
        return limits == null ? new Spec.Resources(rules, null, null, null, null, null)
                : new Spec.Resources(rules, limits.memory(), limits.cpu(), limits.pids(),
                        limits.blockIO(), null);
    }

    static List<Spec.Namespace> namespaces(ContainerRequest req, String joinNetns) {
        List<Spec.Namespace> ns = new ArrayList<>();
        ns.add(new Spec.Namespace("mount", null));
        addUnlessHost(ns, "pid", req.pidMode(), "--pid");
        addUnlessHost(ns, "ipc", req.ipcMode(), "--ipc");
        addUnlessHost(ns, "uts", req.utsMode(), "--uts");
        addNetwork(ns, req.networkMode(), joinNetns);
        addUnlessHost(ns, "cgroup", req.cgroupnsMode(), "--cgroupns");
        if ("auto".equals(req.usernsMode())) {
            ns.add(new Spec.Namespace("user", null));
        } else if (!isHost(req.usernsMode()) && !isDefault(req.usernsMode())) {
            throw new InvalidRequestException("invalid --userns: " + req.usernsMode()
                    + " (use auto or host)");
        }
        if ("private".equals(req.timensMode())) {
            ns.add(new Spec.Namespace("time", null));
        } else if (!isHost(req.timensMode()) && !isDefault(req.timensMode())) {
            throw new InvalidRequestException("invalid --timens: " + req.timensMode()
                    + " (use private or host)");
        }
        return ns;
    }

    private static void addUnlessHost(List<Spec.Namespace> ns, String type, String mode,
            String flag) {
        if (isHost(mode)) {
            return;
        }
        if (!isDefault(mode) && !"private".equals(mode)) {
            throw new InvalidRequestException("invalid " + flag + ": " + mode
                    + " (use private or host)");
        }
        ns.add(new Spec.Namespace(type, null));
    }

    /**
     * Every mode but host has a network namespace: a new one (none, bridge, user networks),
     * or another container's, which the engine has resolved to its /proc path.
     */
    private static void addNetwork(List<Spec.Namespace> ns, String mode, String joinNetns) {
        if (isHost(mode)) {
            return;
        }
        if (mode != null && mode.startsWith("container:")) {
            if (joinNetns == null) {
                throw new InvalidRequestException("network " + mode + ": container not running");
            }
            ns.add(new Spec.Namespace("network", joinNetns));
            return;
        }
        ns.add(new Spec.Namespace("network", null));
    }

    static boolean isHost(String mode) {
        return "host".equals(mode);
    }

    private static boolean isDefault(String mode) {
        return mode == null || mode.isEmpty();
    }

    private static List<Spec.IdMapping> idMappings(IdRange range) {
        return range == null ? null : List.of(new Spec.IdMapping(0, range.hostId(), range.size()));
    }

    static List<Spec.Mount> mounts(Input in, ContainerRequest req) {
        boolean userns = in.userns() != null;
        boolean hostNet = isHost(req.networkMode());
        List<Spec.Mount> m = new ArrayList<>();
        m.add(new Spec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        m.add(new Spec.Mount("/dev", "tmpfs", "tmpfs",
                List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        m.add(new Spec.Mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec",
                "newinstance", "ptmxmode=0666", "mode=0620")));
        // sysfs can only be mounted by a user namespace that owns the network namespace.
        if (userns && hostNet) {
            m.add(new Spec.Mount("/sys", "bind", "/sys", List.of("rbind", "nosuid", "noexec",
                    "nodev", "ro")));
        } else {
            // As docker: a privileged container may write to its sysfs.
            m.add(new Spec.Mount("/sys", "sysfs", "sysfs",
                    List.of("nosuid", "noexec", "nodev", req.privileged() ? "rw" : "ro")));
        }
        m.add(new Spec.Mount("/dev/mqueue", "mqueue", "mqueue",
                List.of("nosuid", "noexec", "nodev")));
        m.add(new Spec.Mount("/dev/shm", "tmpfs", "shm",
                List.of("nosuid", "noexec", "nodev", "mode=1777",
                        "size=" + kibOrBytes(shmSize(req)))));
        List<Spec.Mount> own = new ArrayList<>(Security.tmpfs(req));
        own.addAll(Binds.mounts(req));
        for (Spec.Mount mount : own) {
            // A --tmpfs or -v on a default mount's place (/dev/shm, say) replaces that mount.
            m.removeIf(existing -> existing.destination().equals(mount.destination()));
            m.add(mount);
        }
        // The engine's /etc files come after the user's mounts, so a volume or bind at /etc
        // does not hide them; a mount of the user's at the file itself still wins.
        List<Spec.Mount> etc = new ArrayList<>();
        addFileBind(etc, "/etc/resolv.conf", in.resolvConfFile());
        addFileBind(etc, "/etc/hostname", in.hostnameFile());
        addFileBind(etc, "/etc/hosts", in.hostsFile());
        for (Spec.Mount file : etc) {
            if (own.stream().noneMatch(o -> o.destination().equals(file.destination()))) {
                m.add(file);
            }
        }
        return m;
    }

    private static String kibOrBytes(long size) {
        return size % 1024 == 0 ? size / 1024 + "k" : Long.toString(size);
    }

    private static long shmSize(ContainerRequest req) {
        Long size = req.shmSize();
        if (size != null && size < 0) {
            throw new InvalidRequestException("SHM size can not be less than 0");
        }
        return size == null || size == 0 ? Resources.DEFAULT_SHM_SIZE : size;
    }

    private static void addFileBind(List<Spec.Mount> mounts, String destination, Path source) {
        if (source != null) {
            mounts.add(new Spec.Mount(destination, "bind", source.toString(),
                    List.of("rbind", "rprivate")));
        }
    }

    /** The minimal /dev, then --device's nodes (or all the host's when privileged). */
    static List<Spec.Device> devices(ContainerRequest req, Host host) {
        Map<String, Spec.Device> byPath = new LinkedHashMap<>();
        devices().forEach(d -> byPath.put(d.path(), d));
        Security.devices(req, host).forEach(d -> byPath.put(d.path(), d));
        return List.copyOf(byPath.values());
    }

    /** The minimal /dev docker gives: null, zero, full, random, urandom, tty. */
    static List<Spec.Device> devices() {
        return List.of(
                device("/dev/null", 1, 3), device("/dev/zero", 1, 5), device("/dev/full", 1, 7),
                device("/dev/random", 1, 8), device("/dev/urandom", 1, 9),
                device("/dev/tty", 5, 0));
    }

    private static Spec.Device device(String path, int major, int minor) {
        return new Spec.Device("c", path, major, minor, 0666, 0L, 0L);
    }

    /** The container's labels, and the runtime's own annotations (--init). */
    private static Map<String, String> labels(ContainerRequest req) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (req.labels() != null) {
            annotations.putAll(req.labels());
        }
        if (req.init()) {
            annotations.put(INIT_ANNOTATION, "true");
        }
        return annotations.isEmpty() ? null : annotations;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
