package io.berth.cli;

import io.berth.convert.ContainerRequest;
import io.berth.convert.ExposedPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The flags `run` and `create` share, turned into the engine's one request type. */
final class CreateFlags {
    @Option(names = "--name", description = "Assign a name to the container.")
    String name;

    @Option(names = {"-h", "--hostname"}, description = "Container host name.")
    String hostname;

    @Option(names = "--domainname", description = "Container NIS domain name.")
    String domainname;

    @Option(names = {"-e", "--env"}, description = "Set environment variables.")
    List<String> env = new ArrayList<>();

    @Option(names = "--env-file", description = "Read in a file of environment variables.")
    List<Path> envFiles = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container.")
    String workdir;

    @Option(names = {"-u", "--user"},
            description = "Username or UID (format: <name|uid>[:<group|gid>]).")
    String user;

    @Option(names = "--entrypoint", description = "Overwrite the default ENTRYPOINT of the image.")
    String entrypoint;

    @Option(names = {"-i", "--interactive"}, description = "Keep STDIN open even if not attached.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Allocate a pseudo-TTY.")
    boolean tty;

    @Option(names = {"-l", "--label"}, description = "Set meta data on a container.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--rm", description = "Automatically remove the container when it exits.")
    boolean rm;

    @Option(names = "--pid", description = "PID namespace to use (host or private).")
    String pid;

    @Option(names = "--ipc", description = "IPC namespace to use (host or private).")
    String ipc;

    @Option(names = "--uts", description = "UTS namespace to use (host or private).")
    String uts;

    @Option(names = {"--network", "--net"},
            description = "Network: bridge (default), none, host, container:NAME or a user "
                    + "network.")
    String network;

    @Option(names = "--cgroupns", description = "Cgroup namespace to use (host or private).")
    String cgroupns;

    @Option(names = "--userns", description = "User namespace to use (auto or host).")
    String userns;

    @Option(names = "--timens", description = "Time namespace to use (private or host).")
    String timens;

    @Option(names = "--stop-signal", description = "Signal to stop the container.")
    String stopSignal;

    @Option(names = "--stop-timeout", description = "Timeout (in seconds) to stop a container.")
    Integer stopTimeout;

    @Option(names = {"-p", "--publish"}, description = "Publish a container's port(s) to the host.")
    List<String> publish = new ArrayList<>();

    @Option(names = "--expose", description = "Expose a port or a range of ports.")
    List<String> expose = new ArrayList<>();

    @Option(names = {"-P", "--publish-all"},
            description = "Publish all exposed ports to random ports.")
    boolean publishAll;

    @Option(names = "--network-alias", description = "Add network-scoped alias for the container.")
    List<String> networkAliases = new ArrayList<>();

    @Option(names = "--add-host", description = "Add a custom host-to-IP mapping (host:ip).")
    List<String> addHosts = new ArrayList<>();

    @Option(names = "--dns", description = "Set custom DNS servers.")
    List<String> dns = new ArrayList<>();

    @Option(names = "--dns-search", description = "Set custom DNS search domains.")
    List<String> dnsSearch = new ArrayList<>();

    @Option(names = "--dns-option", description = "Set DNS options.")
    List<String> dnsOptions = new ArrayList<>();

    @Option(names = "--mac-address", description = "Container MAC address.")
    String macAddress;

    @Option(names = "--ip", description = "IPv4 address on a user network.")
    String ip;

    @Option(names = "--init", description = "Run an init inside the container that forwards "
            + "signals and reaps processes.")
    boolean init;

    @Option(names = "--restart", description = "Restart policy: no, on-failure[:N], always, "
            + "unless-stopped.")
    String restart;

    @Option(names = "--log-driver", description = "Logging driver: json-file (default), "
            + "local or none.")
    String logDriver;

    @Option(names = "--log-opt", description = "Log driver options: max-size=10m, max-file=3.")
    List<String> logOpts = new ArrayList<>();

    @Option(names = {"-v", "--volume"}, description = "Bind mount a host folder or file "
            + "(/host/path:/container/path[:ro]), or an anonymous volume (/container/path).")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--mount", description = "A mount: type=bind,source=/host/path,"
            + "target=/container/path[,readonly].")
    List<String> mounts = new ArrayList<>();

    @Mixin
    WallFlags walls = new WallFlags();

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to run.")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command and arguments.")
    List<String> command = new ArrayList<>();

    ContainerRequest toRequest() {
        return walls.applyTo(ContainerRequest.builder(image)
                .name(name)
                .hostname(hostname)
                .domainname(domainname)
                .cmd(command.isEmpty() ? null : List.copyOf(command))
                .entrypoint(entrypoint == null ? null
                        : entrypoint.isEmpty() ? List.of() : List.of(entrypoint))
                .env(environment())
                .workingDir(workdir)
                .user(user)
                .tty(tty)
                .openStdin(interactive)
                .labels(labelMap())
                .autoRemove(rm)
                .pidMode(pid)
                .ipcMode(ipc)
                .utsMode(uts)
                .networkMode(network)
                .cgroupnsMode(cgroupns)
                .usernsMode(userns)
                .timensMode(timens)
                .stopSignal(stopSignal)
                .stopTimeout(stopTimeout)
                .publish(nullIfEmpty(publish))
                .publishAll(publishAll)
                .expose(ExposedPorts.parse(expose))
                .networkAliases(nullIfEmpty(networkAliases))
                .extraHosts(nullIfEmpty(addHosts))
                .dns(nullIfEmpty(dns))
                .dnsSearch(nullIfEmpty(dnsSearch))
                .dnsOptions(nullIfEmpty(dnsOptions))
                .macAddress(macAddress)
                .ipAddress(ip)
                .init(init)
                .restartPolicy(restart)
                .logDriver(logDriver)
                .logOpts(logOptMap())
                .binds(binds())
                .volumes(anonymousVolumes())
                .consoleSize(tty ? terminalSize() : null))
                .build();
    }

    /**
     * -v with a source as given (a host path starting with "." taken from the working folder,
     * as docker's CLI does), then each --mount as the same kind of string.
     */
    private List<String> binds() {
        List<String> binds = new ArrayList<>();
        for (String volume : volumes) {
            if (!volume.contains(":")) {
                continue;
            }
            binds.add(volume.startsWith(".") && volume.contains(":")
                    ? Path.of(volume.substring(0, volume.indexOf(':'))).toAbsolutePath()
                            .normalize() + volume.substring(volume.indexOf(':'))
                    : volume);
        }
        for (String mount : mounts) {
            String spec = bindOfMount(mount);
            if (spec.contains(":")) {
                binds.add(spec);
            }
        }
        return nullIfEmpty(binds);
    }

    /** -v /path, then each --mount type=volume with no source: a volume of the container's. */
    private List<String> anonymousVolumes() {
        List<String> paths = new ArrayList<>(volumes.stream().filter(v -> !v.contains(":"))
                .toList());
        mounts.stream().map(CreateFlags::bindOfMount).filter(v -> !v.contains(":"))
                .forEach(paths::add);
        return nullIfEmpty(paths);
    }

    /**
     * docker's --mount key=value list as a -v string: type=bind as a host path's bind,
     * type=volume as a named volume's ({@code source:target[:ro]}) or, with no source, as an
     * anonymous volume's path alone.
     */
    static String bindOfMount(String mount) {
        String type = "volume";
        String source = null;
        String target = null;
        List<String> options = new ArrayList<>();
        for (String field : mount.split(",")) {
            String[] kv = field.split("=", 2);
            String key = kv[0].strip();
            String value = kv.length > 1 ? kv[1].strip() : null;
            switch (key) {
                case "type" -> type = value;
                case "source", "src" -> source = value;
                case "target", "destination", "dst" -> target = value;
                case "readonly", "ro" -> {
                    if (value == null || value.equals("true") || value.equals("1")) {
                        options.add("ro");
                    }
                }
                case "bind-propagation" -> options.add(value);
                case "volume-nocopy" -> {
                    if (value == null || value.equals("true") || value.equals("1")) {
                        options.add("nocopy");
                    }
                }
                default -> throw new ExitCodes.UserError("invalid argument \"" + mount
                        + "\" for \"--mount\" flag: unexpected key '" + key + "' in '"
                        + field + "'");
            }
        }
        if ("volume".equals(type)) {
            return volumeOfMount(mount, source, target, options);
        }
        if (!"bind".equals(type)) {
            throw new ExitCodes.UserError("invalid argument \"" + mount + "\" for \"--mount\""
                    + " flag: type " + type + " is not supported yet (bind and volume)");
        }
        if (source == null || target == null) {
            throw new ExitCodes.UserError("invalid argument \"" + mount + "\" for \"--mount\""
                    + " flag: source and target are required");
        }
        if (!Files.exists(Path.of(source))) {
            throw new ExitCodes.UserError("invalid mount config for type \"bind\": bind source"
                    + " path does not exist: " + source);
        }
        return source + ":" + target + (options.isEmpty() ? "" : ":" + String.join(",",
                options));
    }

    private static String volumeOfMount(String mount, String source, String target,
            List<String> options) {
        if (target == null) {
            throw new ExitCodes.UserError("invalid argument \"" + mount + "\" for \"--mount\""
                    + " flag: target is required");
        }
        if (options.stream().anyMatch(o -> !o.equals("ro") && !o.equals("nocopy"))) {
            throw new ExitCodes.UserError("invalid mount config for type \"volume\": field"
                    + " BindOptions must not be specified");
        }
        if (source == null || source.isEmpty()) {
            if (!options.isEmpty()) {
                // Not yet: readonly or nocopy anonymous volumes; Config.Volumes has no mode.
                throw new ExitCodes.UserError("invalid argument \"" + mount + "\" for"
                        + " \"--mount\" flag: readonly and volume-nocopy need a source (a"
                        + " name)");
            }
            return target;
        }
        if (source.contains("/")) {
            throw new ExitCodes.UserError("invalid mount config for type \"volume\": invalid"
                    + " volume name " + source + ": a volume's source is a name, not a path");
        }
        return source + ":" + target + (options.isEmpty() ? "" : ":" + String.join(",",
                options));
    }

    /** The user's terminal size, for a container's first size: docker's ConsoleSize. */
    private static List<Integer> terminalSize() {
        int[] size = Terminal.available() ? Terminal.size() : null;
        return size == null ? null : List.of(size[0], size[1]);
    }

    private static List<String> nullIfEmpty(List<String> list) {
        return list.isEmpty() ? null : List.copyOf(list);
    }

    /** --env-file first, then -e, as docker orders them; NAME alone takes the CLI's value. */
    private List<String> environment() {
        List<String> out = new ArrayList<>();
        for (Path file : envFiles) {
            for (String line : readLines(file)) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    addEnv(out, trimmed);
                }
            }
        }
        env.forEach(e -> addEnv(out, e));
        return out.isEmpty() ? null : out;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new ExitCodes.UserError("open " + file + ": no such file or directory");
        }
    }

    private static void addEnv(List<String> out, String entry) {
        if (entry.startsWith("=")) {
            throw new ExitCodes.UserError("invalid environment variable: " + entry);
        }
        if (entry.contains("=")) {
            out.add(entry);
            return;
        }
        String value = System.getenv(entry);
        if (value != null) {
            out.add(entry + "=" + value);
        }
    }

    /** docker's --log-opt KEY=VALUE; a word without "=" is refused as docker refuses it. */
    private Map<String, String> logOptMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String opt : logOpts) {
            int eq = opt.indexOf('=');
            if (eq <= 0) {
                throw new ExitCodes.UserError("invalid argument \"" + opt
                        + "\" for \"--log-opt\" flag: invalid key value pair format in log "
                        + "options");
            }
            map.put(opt.substring(0, eq), opt.substring(eq + 1));
        }
        return map.isEmpty() ? null : map;
    }

    private Map<String, String> labelMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String label : labels) {
            int eq = label.indexOf('=');
            map.put(eq < 0 ? label : label.substring(0, eq), eq < 0 ? "" : label.substring(eq + 1));
        }
        return map.isEmpty() ? null : map;
    }
}
