package io.berth.api;

import io.berth.engine.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** _ping, version and info. */
final class SystemRoutes {
    /**
     * The Docker Engine release whose API (1.44) the service speaks. Clients compare the
     * server's version with docker's (Testcontainers wants at least 1.6.0), so this is what
     * Version says; Berth's own version is in the platform name and a component of its own.
     */
    static final String DOCKER_VERSION = "25.0.0";

    private final EnginePool pool;
    private final String version;

    SystemRoutes(EnginePool pool, String version) {
        this.pool = pool;
        this.version = version;
    }

    void register(Router r) {
        r.on("GET", "/_ping", this::ping);
        r.on("GET", "/version", this::version);
        r.on("GET", "/info", this::info);
        r.on("POST", "/build/prune", this::pruneBuildCache);
    }

    /** The CLI negotiates its API version from this answer's headers. */
    /**
     * `docker system prune` ends with the build cache. Berth builds nothing, so it has no
     * cache: an empty answer, where a 404 would fail the whole prune.
     */
    private void pruneBuildCache(HttpExchange ex, Matcher path) throws Exception {
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("CachesDeleted", List.of());
        answer.put("SpaceReclaimed", 0);
        ex.json(200, answer);
    }

    private void ping(HttpExchange ex, Matcher path) {
        ex.text(200, "text/plain; charset=utf-8", "OK");
    }

    private void version(HttpExchange ex, Matcher path) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ApiVersion", ApiVersion.MAX.toString());
        details.put("Arch", arch());
        details.put("BuildTime", "");
        details.put("Experimental", "false");
        details.put("GitCommit", "");
        details.put("GoVersion", "java" + System.getProperty("java.version"));
        details.put("KernelVersion", System.getProperty("os.version"));
        details.put("MinAPIVersion", ApiVersion.MIN.toString());
        details.put("Os", "linux");
        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("Name", "Engine");
        engine.put("Version", DOCKER_VERSION);
        engine.put("Details", details);
        Map<String, Object> berth = new LinkedHashMap<>();
        berth.put("Name", "Berth");
        berth.put("Version", version);
        berth.put("Details", Map.of("Java", System.getProperty("java.version")));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Platform", Map.of("Name", "Berth " + version));
        v.put("Components", List.of(engine, berth));
        v.put("Version", DOCKER_VERSION);
        v.putAll(details);
        v.remove("Experimental");
        ex.json(200, v);
    }

    private void info(HttpExchange ex, Matcher path) throws Exception {
        Map<String, Object> i = pool.with(e -> {
            List<Container> all = e.list(true);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ID", "");
            m.put("Containers", all.size());
            m.put("ContainersRunning", all.stream().filter(c -> c.status().equals("running"))
                    .count());
            m.put("ContainersPaused", all.stream().filter(c -> c.status().equals("paused"))
                    .count());
            m.put("ContainersStopped", all.stream().filter(c -> !c.running()).count());
            m.put("Images", e.images().list().size());
            m.put("DockerRootDir", e.config().root().toString());
            return m;
        });
        i.put("Driver", "overlay");
        i.put("DriverStatus", List.of());
        i.put("Plugins", Map.of("Volume", List.of(), "Network", List.of("bridge", "host",
                "none"), "Log", List.of("json-file", "local", "none")));
        i.put("MemoryLimit", true);
        i.put("SwapLimit", false);
        i.put("CpuCfsPeriod", true);
        i.put("CpuCfsQuota", true);
        i.put("CPUShares", true);
        i.put("PidsLimit", true);
        i.put("IPv4Forwarding", true);
        i.put("Debug", false);
        i.put("LoggingDriver", io.berth.engine.LogSettings.DEFAULT_DRIVER);
        i.put("CgroupDriver", "cgroupfs");
        i.put("CgroupVersion", Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) ? "1" : "2");
        i.put("KernelVersion", System.getProperty("os.version"));
        i.put("OperatingSystem", operatingSystem());
        i.put("OSVersion", "");
        i.put("OSType", "linux");
        i.put("Architecture", arch().equals("amd64") ? "x86_64" : arch());
        i.put("NCPU", Runtime.getRuntime().availableProcessors());
        i.put("MemTotal", memTotal());
        i.put("Name", hostname());
        i.put("Labels", List.of());
        i.put("ExperimentalBuild", false);
        i.put("ServerVersion", DOCKER_VERSION);
        i.put("Runtimes", Map.of("berth", Map.of("path", "berth-shim")));
        i.put("DefaultRuntime", "berth");
        i.put("Swarm", Map.of("LocalNodeState", "inactive", "NodeID", "", "NodeAddr", "",
                "ControlAvailable", false, "Error", "", "RemoteManagers", List.of()));
        i.put("LiveRestoreEnabled", true);
        i.put("Isolation", "");
        i.put("InitBinary", "");
        i.put("SecurityOptions", List.of("name=seccomp,profile=builtin"));
        i.put("Warnings", List.of());
        ex.json(200, i);
    }

    static String arch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    private static String operatingSystem() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (java.io.IOException e) {
            // Fall through to the JVM's word.
        }
        return System.getProperty("os.name");
    }

    private static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // Unknown.
        }
        return 0;
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
