package io.berth.runtime;

import io.berth.spec.Capability;
import io.berth.spec.Spec;
import io.berth.sys.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy half of container creation: turns a bundle's config.json into the complete,
 * concrete plan the shim carries out (native/plan.c documents each record).
 *
 * <p>linux.seccomp becomes a BPF program compiled here ({@link SeccompBpf}) that the shim
 * loads last. Not yet: apparmor/selinux labels (this host has neither); a spec asking for them
 * runs without them.
 */
final class ShimPlan {
    static final long CLONE_NEWTIME = 0x80;
    static final long CLONE_NEWNS = 0x00020000;
    static final long CLONE_NEWCGROUP = 0x02000000;
    static final long CLONE_NEWUTS = 0x04000000;
    static final long CLONE_NEWIPC = 0x08000000;
    static final long CLONE_NEWUSER = 0x10000000;
    static final long CLONE_NEWPID = 0x20000000;
    static final long CLONE_NEWNET = 0x40000000;

    private static final Map<String, Long> NAMESPACES = Map.of(
            "mount", CLONE_NEWNS, "uts", CLONE_NEWUTS, "ipc", CLONE_NEWIPC,
            "user", CLONE_NEWUSER, "pid", CLONE_NEWPID, "network", CLONE_NEWNET,
            "cgroup", CLONE_NEWCGROUP, "time", CLONE_NEWTIME);

    private static final List<String> RLIMITS = List.of("RLIMIT_CPU", "RLIMIT_FSIZE",
            "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
            "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
            "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    /** The devices every container gets (runtime-spec, "Default Devices"). */
    private static final List<Spec.Device> DEFAULT_DEVICES = List.of(
            device("/dev/null", 1, 3), device("/dev/zero", 1, 5), device("/dev/full", 1, 7),
            device("/dev/random", 1, 8), device("/dev/urandom", 1, 9), device("/dev/tty", 5, 0));

    private static final Map<String, String> DEV_SYMLINKS = Map.of(
            "/dev/fd", "/proc/self/fd", "/dev/stdin", "/proc/self/fd/0",
            "/dev/stdout", "/proc/self/fd/1", "/dev/stderr", "/proc/self/fd/2",
            "/dev/ptmx", "pts/ptmx");

    /** The annotation that puts a tiny init above the command as pid 1 (docker's --init). */
    static final String INIT = "io.berth.init";
    /**
     * What the init shows as its program in /proc/1/cmdline, in docker's form ("/sbin/docker-init
     * -- ARGV"); no file is there.
     */
    static final String INIT_NAME = "/sbin/berth-init";

    private static final Map<String, String> PROC_NS_NAMES = Map.of(
            "mount", "mnt", "uts", "uts", "ipc", "ipc", "user", "user", "pid", "pid",
            "network", "net", "cgroup", "cgroup", "time", "time");

    private final Spec spec;
    private final Spec.Process process;
    private final Path bundle;
    private final CreateOptions options;
    private final String cgroupsPath;
    private final CgroupMounts cgroupMounts;
    private PlanText plan;
    private String seccompProgram;
    private boolean forExec;
    private Path seccompCache;

    ShimPlan(Spec spec, Path bundle, CreateOptions options, String cgroupsPath,
            CgroupMounts cgroupMounts) {
        this(spec, spec.process(), bundle, options, cgroupsPath, cgroupMounts);
    }

    private ShimPlan(Spec spec, Spec.Process process, Path bundle, CreateOptions options,
            String cgroupsPath, CgroupMounts cgroupMounts) {
        this.spec = spec;
        this.process = process;
        this.bundle = bundle;
        this.options = options;
        this.cgroupsPath = cgroupsPath;
        this.cgroupMounts = cgroupMounts;
    }

    /** The rootfs folder named by root.path, relative paths taken from the bundle. */
    static Path rootfs(Spec spec, Path bundle) {
        if (spec.root() == null || spec.root().path() == null) {
            throw invalid("root.path is missing");
        }
        return bundle.resolve(spec.root().path()).toAbsolutePath().normalize();
    }

    /** Whether the spec asks for a new namespace of this kind (no path). */
    static boolean createsNamespace(Spec spec, String type) {
        return namespaces(spec).stream().anyMatch(n -> n.type().equals(type) && noPath(n));
    }

    /**
     * The plan of an exec into a running container: the given process (the container's own,
     * with the exec's changes) in every namespace of the container's process {@code pid}.
     */
    static String renderExec(Spec container, long pid, Spec.Process process, CreateOptions io,
            String seccompRecord) {
        ShimPlan exec = new ShimPlan(container, process, null, io, null, null);
        exec.plan = new PlanText();
        exec.forExec = true;
        exec.checkArgs();
        exec.plan.add("exec", "exec", 1);
        for (Spec.Namespace ns : namespaces(container)) {
            String name = PROC_NS_NAMES.get(ns.type());
            if (name == null) {
                throw invalid("unknown namespace type " + ns.type());
            }
            exec.plan.add("namespace", "join", NAMESPACES.get(ns.type()),
                    "/proc/" + pid + "/ns/" + name);
        }
        exec.addProcess();
        exec.addIo();
        if (seccompRecord != null) {
            exec.plan.add("linux.seccomp", (Object[]) seccompRecord.split("\t"));
        }
        return exec.plan.toString();
    }

    /** Keeps compiled seccomp programs in this folder, for the next container with the same. */
    ShimPlan cachingSeccompIn(Path folder) {
        this.seccompCache = folder;
        return this;
    }

    /** The whole plan text; each call renders afresh. */
    String render() {
        plan = new PlanText();
        checkArgs();
        addNamespaces();
        addRoot();
        addMounts();
        addDevices();
        addPaths();
        addProcess();
        addIo();
        addHooks();
        addSeccomp();
        if (spec.annotations() != null && "true".equals(spec.annotations().get(INIT))) {
            plan.add(INIT, "init", 1);
            plan.add(INIT, "initname", INIT_NAME);
        }
        return plan.toString();
    }

    private void checkArgs() {
        if (process == null || process.args() == null || process.args().isEmpty()) {
            throw invalid("process.args is empty");
        }
    }

    private void addNamespaces() {
        long clone = 0;
        for (Spec.Namespace ns : namespaces(spec)) {
            Long flag = NAMESPACES.get(ns.type());
            if (flag == null) {
                throw invalid("unknown namespace type " + ns.type());
            }
            if (!noPath(ns)) {
                plan.add("namespace path", "join", flag, ns.path());
            } else if (flag == CLONE_NEWCGROUP) {
                plan.add("cgroup namespace", "cgroupns", 1);
            } else if (flag == CLONE_NEWTIME) {
                addTimeNamespace();
            } else {
                clone |= flag;
            }
        }
        plan.add("namespaces", "clone", clone);
        if ((clone & CLONE_NEWNET) != 0) {
            plan.add("network namespace", "lo", 1);
        }
        addNames();
    }

    private void addTimeNamespace() {
        Map<String, Spec.TimeOffset> offsets = spec.linux().timeOffsets() == null
                ? Map.of() : spec.linux().timeOffsets();
        Spec.TimeOffset mono = offsets.getOrDefault("monotonic", new Spec.TimeOffset(0, 0));
        Spec.TimeOffset boot = offsets.getOrDefault("boottime", new Spec.TimeOffset(0, 0));
        plan.add("timeOffsets", "timens", mono.secs(), mono.nanosecs(), boot.secs(),
                boot.nanosecs());
    }

    private void addNames() {
        boolean uts = namespaces(spec).stream().anyMatch(n -> n.type().equals("uts"));
        if ((spec.hostname() != null || spec.domainname() != null) && !uts) {
            // Without its own UTS namespace, sethostname would rename the host.
            throw invalid("hostname is set but there is no uts namespace");
        }
        if (spec.hostname() != null) {
            plan.add("hostname", "hostname", spec.hostname());
        }
        if (spec.domainname() != null) {
            plan.add("domainname", "domainname", spec.domainname());
        }
    }

    private void addRoot() {
        Path root = rootfs(spec, bundle);
        if (!Files.isDirectory(root)) {
            throw invalid("root.path " + root + " is not a folder");
        }
        boolean readonly = Boolean.TRUE.equals(spec.root().readonly());
        String propagation = spec.linux() == null ? null : spec.linux().rootfsPropagation();
        plan.add("root.path", "root", root, readonly ? 1 : 0,
                MountOptions.propagation(propagation));
    }

    private void addMounts() {
        for (Spec.Mount m : spec.mounts() == null ? List.<Spec.Mount>of() : spec.mounts()) {
            String dst = m.destination();
            if (dst == null || !dst.startsWith("/")) {
                throw invalid("mount destination " + dst + " is not absolute");
            }
            MountOptions o = MountOptions.parse(m.type(), m.options());
            if ("cgroup".equals(m.type()) && !o.bind()) {
                cgroupMounts.add(plan, dst, o, cgroupsPath);
            } else if (o.bind()) {
                addBind(m, o);
            } else {
                plan.add("mount " + dst, "mount", m.source() == null ? m.type() : m.source(),
                        dst, m.type() == null ? "" : m.type(), o.flags(), o.propagation(),
                        o.data(), "d", 0);
            }
        }
    }

    private void addBind(Spec.Mount m, MountOptions o) {
        if (m.source() == null) {
            throw invalid("bind mount on " + m.destination() + " has no source");
        }
        Path source = bundle.resolve(m.source()).toAbsolutePath().normalize();
        if (!Files.exists(source)) {
            throw new ContainerStartException("bind mount source " + source
                    + " does not exist", Errno.ENOENT);
        }
        String kind = Files.isDirectory(source) ? "d" : "f";
        plan.add("mount " + m.destination(), "mount", source, m.destination(), "", o.flags(),
                o.propagation(), "", kind, 1);
    }

    private void addDevices() {
        Map<String, Spec.Device> devices = new LinkedHashMap<>();
        DEFAULT_DEVICES.forEach(d -> devices.put(d.path(), d));
        if (spec.linux() != null && spec.linux().devices() != null) {
            spec.linux().devices().forEach(d -> devices.put(d.path(), d));
        }
        for (Spec.Device d : devices.values()) {
            int mode = d.fileMode() == null ? 0666 : d.fileMode();
            plan.add("device " + d.path(), "device", d.path(), d.type(), d.major(), d.minor(),
                    mode, d.uid() == null ? 0 : d.uid(), d.gid() == null ? 0 : d.gid(),
                    d.path());
        }
        if (createsNamespace(spec, "mount")) {
            DEV_SYMLINKS.forEach((link, target) -> plan.add("dev symlink", "symlink", link,
                    target));
        }
    }

    private void addPaths() {
        Spec.Linux linux = spec.linux();
        if (linux == null) {
            return;
        }
        nonNull(linux.maskedPaths()).forEach(p -> plan.add("maskedPaths", "mask", p));
        nonNull(linux.readonlyPaths()).forEach(p -> plan.add("readonlyPaths", "readonly", p));
        if (linux.sysctl() != null) {
            linux.sysctl().forEach((k, v) -> plan.add("sysctl " + k, "sysctl", k, v));
        }
    }

    private void addProcess() {
        Spec.Process p = process;
        nonNull(p.env()).forEach(e -> plan.add("process.env", "env", e));
        p.args().forEach(a -> plan.add("process.args", "arg", a));
        addUser(p.user());
        plan.add("process.cwd", "cwd", p.cwd() == null ? "/" : p.cwd());
        if (Boolean.TRUE.equals(p.noNewPrivileges())) {
            plan.add("noNewPrivileges", "nnp", 1);
        }
        if (p.oomScoreAdj() != null) {
            plan.add("oomScoreAdj", "oom", p.oomScoreAdj());
        }
        for (Spec.Rlimit r : nonNull(p.rlimits())) {
            int resource = RLIMITS.indexOf(r.type());
            if (resource < 0) {
                throw invalid("unknown rlimit " + r.type());
            }
            plan.add("rlimit", "rlimit", resource, Long.toUnsignedString(r.soft()),
                    Long.toUnsignedString(r.hard()));
        }
        addCapabilities(p.capabilities());
    }

    private void addUser(Spec.User user) {
        Spec.User u = user == null ? new Spec.User(0, 0, null, null) : user;
        plan.add("process.user", "user", u.uid(), u.gid(), u.umask() == null ? -1 : u.umask());
        if (u.additionalGids() != null && !u.additionalGids().isEmpty()) {
            Object[] fields = new Object[u.additionalGids().size() + 1];
            fields[0] = "groups";
            for (int i = 0; i < u.additionalGids().size(); i++) {
                fields[i + 1] = u.additionalGids().get(i);
            }
            plan.add("additionalGids", fields);
        }
    }

    private void addCapabilities(Spec.Capabilities caps) {
        if (caps == null) {
            return;
        }
        plan.add("capabilities", "caps", Long.toUnsignedString(mask(caps.bounding())),
                Long.toUnsignedString(mask(caps.effective())),
                Long.toUnsignedString(mask(caps.permitted())),
                Long.toUnsignedString(mask(caps.inheritable())),
                Long.toUnsignedString(mask(caps.ambient())));
    }

    private static long mask(List<String> names) {
        long mask = 0;
        for (String name : nonNull(names)) {
            Capability cap = Capability.parse(name)
                    .orElseThrow(() -> invalid("unknown capability " + name));
            mask |= 1L << cap.ordinal();
        }
        return mask;
    }

    /**
     * createContainer and startContainer hooks run in the container's namespaces, so the
     * container process itself runs them (see native/container.c); the others run from Java.
     */
    private void addHooks() {
        Spec.Hooks hooks = spec.hooks();
        if (hooks == null) {
            return;
        }
        addHooks("c", "hooks.createContainer", hooks.createContainer());
        addHooks("s", "hooks.startContainer", hooks.startContainer());
    }

    private void addHooks(String phase, String what, List<Spec.Hook> hooks) {
        for (Spec.Hook hook : nonNull(hooks)) {
            if (hook.path() == null || !hook.path().startsWith("/")) {
                throw invalid(what + " path " + hook.path() + " is not absolute");
            }
            plan.add(what, "hook", phase, hook.timeout() == null ? 0 : hook.timeout(),
                    hook.path());
            List<String> args = nonNull(hook.args()).isEmpty() ? List.of(hook.path())
                    : hook.args();
            args.forEach(a -> plan.add(what + ".args", "hookarg", a));
            nonNull(hook.env()).forEach(e -> plan.add(what + ".env", "hookenv", e));
        }
    }

    /** Whether the container process runs hooks, and so needs the hook-state files. */
    static boolean runsHooks(Spec spec) {
        return spec.hooks() != null && !(nonNull(spec.hooks().createContainer()).isEmpty()
                && nonNull(spec.hooks().startContainer()).isEmpty());
    }

    /** Compiled once per plan: the second render (after the cgroup exists) reuses it. */
    private void addSeccomp() {
        Spec.Seccomp seccomp = spec.linux() == null ? null : spec.linux().seccomp();
        if (seccomp == null) {
            return;
        }
        if (seccompProgram == null) {
            seccompProgram = SeccompBpf.programHex(seccomp, seccompCache);
        }
        plan.add("linux.seccomp", "seccomp", SeccompBpf.flags(seccomp), seccompProgram);
    }

    /** The seccomp record of a rendered plan, for the execs into its container; or null. */
    static String seccompRecord(String planText) {
        return planText.lines().filter(l -> l.startsWith("seccomp\t")).findFirst()
                .orElse(null);
    }

    private void addIo() {
        Spec.Process p = process;
        if (Boolean.TRUE.equals(p.terminal())) {
            Spec.ConsoleSize size = p.consoleSize();
            plan.add("terminal", "terminal", size == null ? 0 : size.height(),
                    size == null ? 0 : size.width());
        }
        if (options.stdinOpen()) {
            plan.add("stdin", "stdin", 1);
        }
        if (options.logFile() != null) {
            plan.add("log file", "log", options.logFile().toAbsolutePath());
            LogRotation r = options.logRotation();
            if (r != null) {
                plan.add("log rotation", "logmax", r.maxSize(), r.maxFiles());
            }
        }
        options.exitCommand().forEach(a -> plan.add("exit command", "exitcmd", a));
        InheritedStdio inherited = options.inherited();
        if (inherited != null) {
            // A container waits for `start` on its fifo; an exec goes at once.
            plan.add("start", "start", forExec ? "now" : "fifo");
            if (inherited.consoleSocket() != null && Boolean.TRUE.equals(p.terminal())) {
                plan.add("console socket", "console",
                        inherited.consoleSocket().toAbsolutePath());
            }
        }
    }

    private static List<Spec.Namespace> namespaces(Spec spec) {
        return spec.linux() == null ? List.of() : nonNull(spec.linux().namespaces());
    }

    private static boolean noPath(Spec.Namespace ns) {
        return ns.path() == null || ns.path().isEmpty();
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Spec.Device device(String path, long major, long minor) {
        return new Spec.Device("c", path, major, minor, 0666, 0L, 0L);
    }

    private static ContainerStartException invalid(String what) {
        return new ContainerStartException("config.json: " + what, Errno.EINVAL);
    }
}
