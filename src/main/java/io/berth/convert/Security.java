package io.berth.convert;

import io.berth.spec.Capability;
import io.berth.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Docker's privilege flags as the runtime spec's walls: capabilities (--cap-add, --cap-drop,
 * --privileged), --security-opt, --ulimit, --sysctl, --device, --tmpfs and --oom-score-adj.
 * Every refusal names the flag and the value.
 */
public final class Security {
    /** The sysctls of the IPC namespace besides fs.mqueue.* (runc's list). */
    private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb",
            "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
            "kernel.shm_rmid_forced");

    private static final Map<String, String> RLIMITS = Map.ofEntries(
            Map.entry("as", "RLIMIT_AS"), Map.entry("core", "RLIMIT_CORE"),
            Map.entry("cpu", "RLIMIT_CPU"), Map.entry("data", "RLIMIT_DATA"),
            Map.entry("fsize", "RLIMIT_FSIZE"), Map.entry("locks", "RLIMIT_LOCKS"),
            Map.entry("memlock", "RLIMIT_MEMLOCK"), Map.entry("msgqueue", "RLIMIT_MSGQUEUE"),
            Map.entry("nice", "RLIMIT_NICE"), Map.entry("nofile", "RLIMIT_NOFILE"),
            Map.entry("nproc", "RLIMIT_NPROC"), Map.entry("rss", "RLIMIT_RSS"),
            Map.entry("rtprio", "RLIMIT_RTPRIO"), Map.entry("rttime", "RLIMIT_RTTIME"),
            Map.entry("sigpending", "RLIMIT_SIGPENDING"), Map.entry("stack", "RLIMIT_STACK"));

    /** Docker's default device cgroup: mknod of anything, use of the usual few and tun. */
    private static final List<Spec.DeviceRule> DEFAULT_DEVICE_RULES = List.of(
            new Spec.DeviceRule(false, null, null, null, "rwm"),
            rule("c", null, null, "m"), rule("b", null, null, "m"),
            rule("c", 1L, 3L, "rwm"), rule("c", 1L, 5L, "rwm"), rule("c", 1L, 7L, "rwm"),
            rule("c", 1L, 8L, "rwm"), rule("c", 1L, 9L, "rwm"), rule("c", 5L, 0L, "rwm"),
            rule("c", 5L, 1L, "rwm"), rule("c", 5L, 2L, "rwm"), rule("c", 136L, null, "rwm"),
            rule("c", 10L, 200L, "rwm"));

    private static final String DEFAULT_TMPFS_OPTIONS = "noexec,nosuid,nodev";

    private Security() {
    }

    /**
     * docker's rule: --privileged gets every capability; --cap-add ALL starts from all,
     * --cap-drop ALL from none, otherwise from the default 14; then adds and drops apply. ALL
     * means every capability of this machine's bounding set; naming one outside it is refused.
     */
    public static List<String> capabilities(ContainerRequest req, Host host) {
        long bounding = host.capabilityBoundingSet();
        List<String> add = names(req.capAdd(), "--cap-add");
        List<String> drop = names(req.capDrop(), "--cap-drop");
        Set<Capability> caps = new LinkedHashSet<>();
        if (req.privileged() || add.contains("ALL")) {
            caps.addAll(all(bounding));
        } else if (!drop.contains("ALL")) {
            caps.addAll(SpecConverter.DEFAULT_CAPABILITIES);
        }
        if (!req.privileged()) {
            add.stream().filter(n -> !n.equals("ALL")).forEach(n -> caps.add(parse(n)));
            drop.stream().filter(n -> !n.equals("ALL")).forEach(n -> caps.remove(parse(n)));
        }
        for (Capability c : caps) {
            if ((bounding & (1L << c.ordinal())) == 0) {
                throw new InvalidRequestException("capability " + c.specName() + " is not in "
                        + "this machine's bounding set, so no container can be given it");
            }
        }
        return caps.stream().map(Capability::specName).toList();
    }

    private static List<Capability> all(long bounding) {
        List<Capability> all = new ArrayList<>();
        for (Capability c : Capability.values()) {
            if ((bounding & (1L << c.ordinal())) != 0) {
                all.add(c);
            }
        }
        return all;
    }

    /** Upper case without CAP_, so that chown, CAP_CHOWN and CHOWN are one. */
    private static List<String> names(List<String> given, String flag) {
        List<String> out = new ArrayList<>();
        for (String name : given == null ? List.<String>of() : given) {
            String upper = name.strip().toUpperCase(Locale.ROOT);
            String bare = upper.startsWith("CAP_") ? upper.substring(4) : upper;
            if (!bare.equals("ALL") && Capability.parse(bare).isEmpty()) {
                throw new InvalidRequestException("invalid " + flag + ": unknown capability: \""
                        + "CAP_" + bare + "\"");
            }
            out.add(bare);
        }
        return out;
    }

    private static Capability parse(String bare) {
        return Capability.parse(bare).orElseThrow();
    }

    /**
     * The seccomp profile asked for with --security-opt seccomp=: null for the default,
     * "unconfined", a profile's JSON (as docker's CLI sends it) or a file's path. A privileged
     * container is unconfined, as with docker.
     */
    public static String seccomp(ContainerRequest req) {
        String value = option(req, "seccomp");
        return req.privileged() ? "unconfined" : value;
    }

    /** --security-opt no-new-privileges, no-new-privileges=true (or :true, docker's old form). */
    public static boolean noNewPrivileges(ContainerRequest req) {
        String value = option(req, "no-new-privileges");
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "", "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException("invalid --security-opt "
                    + "no-new-privileges=" + value + ": use true or false");
        };
    }

    /** Whether /proc and /sys keep their masked and read-only paths. */
    public static boolean confinedPaths(ContainerRequest req) {
        return !req.privileged() && !"unconfined".equals(option(req, "systempaths"));
    }

    /**
     * The value of one --security-opt key ("" for a bare key), null when not given; checks all
     * the others on the way. apparmor= and label= are accepted and have no effect: this
     * machine has neither AppArmor nor SELinux.
     */
    private static String option(ContainerRequest req, String key) {
        String found = null;
        for (String opt : req.securityOpt() == null ? List.<String>of() : req.securityOpt()) {
            int sep = separator(opt);
            String k = sep < 0 ? opt : opt.substring(0, sep);
            String v = sep < 0 ? "" : opt.substring(sep + 1);
            if (!List.of("seccomp", "no-new-privileges", "apparmor", "label", "systempaths")
                    .contains(k) || (k.equals("seccomp") && v.isEmpty())) {
                throw new InvalidRequestException("invalid --security-opt: \"" + opt + "\"");
            }
            if (k.equals("systempaths") && !v.equals("unconfined")) {
                throw new InvalidRequestException("invalid --security-opt: \"" + opt
                        + "\" (systempaths takes only unconfined)");
            }
            if (k.equals(key)) {
                found = v;
            }
        }
        return found;
    }

    /** key=value, or key:value as docker's first versions spelled it. */
    private static int separator(String opt) {
        int eq = opt.indexOf('=');
        int colon = opt.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    /**
     * --ulimit as process.rlimits. The shim sets them just before exec, and without
     * CAP_SYS_RESOURCE (which this machine withholds) a hard limit cannot go above the
     * engine's own, so such a request is refused here rather than failing at start.
     */
    public static List<Spec.Rlimit> rlimits(ContainerRequest req, Host host) {
        if (req.ulimits() == null || req.ulimits().isEmpty()) {
            return null;
        }
        List<Spec.Rlimit> out = new ArrayList<>();
        for (Ulimit u : req.ulimits()) {
            String type = RLIMITS.get(u.name());
            if (type == null) {
                throw new InvalidRequestException("invalid ulimit type: " + u.name());
            }
            if (u.hard() >= 0 && (u.soft() < 0 || u.soft() > u.hard())) {
                throw new InvalidRequestException("ulimit soft limit must be less than or equal "
                        + "to hard limit: " + u.soft() + " > " + u.hard());
            }
            long allowed = host.hardLimit(type);
            if (allowed >= 0 && (u.hard() < 0 || u.hard() > allowed)) {
                throw new InvalidRequestException("invalid --ulimit " + u.name() + "="
                        + u.soft() + ":" + u.hard() + ": the hard limit is above this machine's "
                        + allowed + ", which cannot be raised without CAP_SYS_RESOURCE");
            }
            out.add(new Spec.Rlimit(type, u.hard(), u.soft()));
        }
        return out;
    }

    /**
     * --sysctl, only for kernel settings a namespace of the container's own holds: IPC ones
     * unless --ipc host, net.* unless --network host, kernel.domainname unless --uts host.
     * Anything else would change the whole machine.
     */
    public static Map<String, String> sysctls(ContainerRequest req) {
        if (req.sysctls() == null || req.sysctls().isEmpty()) {
            return null;
        }
        for (String key : req.sysctls().keySet()) {
            if (IPC_SYSCTLS.contains(key) || key.startsWith("fs.mqueue.")) {
                refuseOnHost(key, req.ipcMode(), "IPC");
            } else if (key.startsWith("net.")) {
                refuseOnHost(key, req.networkMode(), "network");
            } else if (key.equals("kernel.domainname")) {
                refuseOnHost(key, req.utsMode(), "UTS");
            } else {
                throw new InvalidRequestException("sysctl \"" + key + "\" is not in a separate "
                        + "kernel namespace: a container may not set it for the whole machine");
            }
        }
        return new LinkedHashMap<>(req.sysctls());
    }

    private static void refuseOnHost(String key, String mode, String namespace) {
        if (SpecConverter.isHost(mode)) {
            throw new InvalidRequestException("sysctl \"" + key + "\" is not allowed in the "
                    + "host " + namespace + " namespace");
        }
    }

    /** --oom-score-adj, in the kernel's range. */
    public static Integer oomScoreAdj(ContainerRequest req) {
        Integer adj = req.oomScoreAdj();
        if (adj != null && (adj < -1000 || adj > 1000)) {
            throw new InvalidRequestException("Invalid value " + adj
                    + ", range for oom score adj is [-1000, 1000]");
        }
        return adj == null || adj == 0 ? null : adj;
    }

    /** --tmpfs DEST[:OPTIONS], docker's defaults first so that the user's win. */
    public static List<Spec.Mount> tmpfs(ContainerRequest req) {
        List<Spec.Mount> mounts = new ArrayList<>();
        if (req.tmpfs() == null) {
            return mounts;
        }
        req.tmpfs().forEach((dst, options) -> {
            if (!dst.startsWith("/") || dst.equals("/")) {
                throw new InvalidRequestException("invalid --tmpfs destination \"" + dst
                        + "\": it must be an absolute path other than /");
            }
            List<String> all = new ArrayList<>(List.of(DEFAULT_TMPFS_OPTIONS.split(",")));
            if (options != null && !options.isBlank()) {
                all.addAll(List.of(options.split(",")));
            }
            mounts.add(new Spec.Mount(dst, "tmpfs", "tmpfs", all));
        });
        return mounts;
    }

    /** Device nodes of --device, or every host device for --privileged. */
    public static List<Spec.Device> devices(ContainerRequest req, Host host) {
        List<Spec.Device> out = new ArrayList<>();
        if (req.privileged()) {
            out.addAll(host.devices());
        }
        for (DeviceMapping d : nonNull(req.devices())) {
            if (d.pathOnHost() == null || d.pathOnHost().isEmpty()) {
                // An API body may leave PathOnHost out, which the CLI's --device cannot.
                throw new InvalidRequestException("error gathering device information while "
                        + "adding custom device \"\": no such file or directory");
            }
            // The CLI's --device parser refuses these; an API body may send them.
            if (d.pathInContainer() == null || !d.pathInContainer().startsWith("/")) {
                throw new InvalidRequestException("invalid device specification: "
                        + d.pathOnHost() + ":" + d.pathInContainer()
                        + ": the path in the container must be absolute");
            }
            if (d.cgroupPermissions() == null || !d.cgroupPermissions().matches("[rwm]{1,3}")) {
                throw new InvalidRequestException("invalid device mode: "
                        + d.cgroupPermissions());
            }
            Spec.Device found = host.device(d.pathOnHost()).orElseThrow(() ->
                    new InvalidRequestException("error gathering device information while "
                            + "adding custom device \"" + d.pathOnHost()
                            + "\": not a device node"));
            out.add(new Spec.Device(found.type(), d.pathInContainer(), found.major(),
                    found.minor(), found.fileMode(), found.uid(), found.gid()));
        }
        return out;
    }

    /**
     * The device cgroup: all allowed when privileged, else deny-all, docker's defaults, and
     * each --device with its permissions.
     */
    public static List<Spec.DeviceRule> deviceRules(ContainerRequest req, Host host) {
        if (req.privileged()) {
            return List.of(new Spec.DeviceRule(true, null, null, null, "rwm"));
        }
        List<Spec.DeviceRule> rules = new ArrayList<>(DEFAULT_DEVICE_RULES);
        List<Spec.Device> devices = devices(req, host);
        List<DeviceMapping> mappings = nonNull(req.devices());
        for (int i = 0; i < devices.size(); i++) {
            Spec.Device d = devices.get(i);
            rules.add(rule(d.type(), d.major(), d.minor(), mappings.get(i).cgroupPermissions()));
        }
        return rules;
    }

    private static Spec.DeviceRule rule(String type, Long major, Long minor, String access) {
        return new Spec.DeviceRule(true, type, major, minor, access);
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
