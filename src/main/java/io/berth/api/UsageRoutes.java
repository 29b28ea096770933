package io.berth.api;

import io.berth.cgroups.Stats;
import io.berth.engine.Container;
import io.berth.engine.ProcessTable;
import io.berth.engine.InterfaceCounters;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** docker top and docker stats: a running container's processes and what they use. */
final class UsageRoutes {
    /** USER_HZ: /proc counts CPU time in these ticks on Linux. */
    private static final long TICKS_PER_SECOND = 100;
    private static final long SAMPLE_GAP_MS = 250;
    private static final long STREAM_EVERY_MS = 1000;

    private final EnginePool pool;

    UsageRoutes(EnginePool pool) {
        this.pool = pool;
    }

    void register(Router r) {
        r.on("GET", "/containers/{id}/top", this::top);
        r.on("GET", "/containers/{id}/stats", this::stats);
    }

    /** The host's ps with the client's ps_args, cut to the container's rows, as dockerd. */
    private void top(HttpExchange ex, Matcher path) throws Exception {
        ProcessTable table = pool.with(e -> e.top(path.group(1), ex.request().query("ps_args")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Titles", table.titles());
        answer.put("Processes", table.processes());
        ex.json(200, answer);
    }

    /**
     * One JSON document (stream=0, as `docker stats --no-stream` asks: two samples so the CLI
     * can compute CPU %), or one a second until the client goes or the container stops.
     */
    private void stats(HttpExchange ex, Matcher path) throws Exception {
        Container c = pool.with(e -> e.get(path.group(1)));
        boolean stream = ex.request().query("stream") == null || ex.request().flag("stream");
        if (!c.running() && !stream) {
            ex.json(200, zeroDocument(c));
            return;
        }
        Sample previous = sample(c);
        if (!stream) {
            Thread.sleep(SAMPLE_GAP_MS);
            ex.json(200, document(c, sample(c), previous));
            return;
        }
        try (OutputStream out = ex.chunked(200, "application/json")) {
            while (true) {
                Thread.sleep(STREAM_EVERY_MS);
                Sample now = sample(c);
                if (now == null) {
                    return;
                }
                out.write(ImageRoutes.jsonLine(document(c, now, previous)));
                out.flush();
                previous = now;
            }
        }
    }

    /** The cgroup's figures with the host's CPU time at the same moment. */
    private record Sample(Instant read, Stats stats, long systemNanos,
            Map<String, InterfaceCounters> networks) {
    }

    private Sample sample(Container c) {
        try {
            Stats s = pool.with(e -> e.stats(c.id()));
            return new Sample(Instant.now(), s, systemCpuNanos(), networks(c));
        } catch (Exception e) {
            return null;
        }
    }

    /** Counters of the container's interfaces; none for --network none or host, as dockerd. */
    private static Map<String, InterfaceCounters> networks(Container c) {
        String mode = c.request().networkMode();
        if (mode != null && (mode.equals("host") || mode.equals("none"))) {
            return Map.of();
        }
        try {
            return InterfaceCounters.of(c.pid());
        } catch (IOException | NumberFormatException e) {
            return Map.of();
        }
    }

    private static long systemCpuNanos() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
        long ticks = 0;
        for (String f : cpu.substring(3).strip().split("\\s+")) {
            ticks += Long.parseLong(f);
        }
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /**
     * What dockerd answers for a container that does not run: its name and id, every figure
     * zero, so that `docker stats --no-stream` prints a row of zeros rather than failing.
     */
    private static Map<String, Object> zeroDocument(Container c) {
        String never = "0001-01-01T00:00:00Z";
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total_usage", 0);
        usage.put("usage_in_kernelmode", 0);
        usage.put("usage_in_usermode", 0);
        Map<String, Object> cpu = Map.of("cpu_usage", usage, "throttling_data",
                Map.of("periods", 0, "throttled_periods", 0, "throttled_time", 0));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("read", never);
        m.put("preread", never);
        m.put("pids_stats", Map.of());
        m.put("blkio_stats", Map.of());
        m.put("num_procs", 0);
        m.put("storage_stats", Map.of());
        m.put("cpu_stats", cpu);
        m.put("precpu_stats", cpu);
        m.put("memory_stats", Map.of());
        m.put("name", "/" + c.name());
        m.put("id", c.id());
        return m;
    }

    private static Map<String, Object> document(Container c, Sample now, Sample before) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("read", io.berth.engine.Inspection.time(now.read()));
        m.put("preread", io.berth.engine.Inspection.time(before == null ? null : before.read()));
        m.put("pids_stats", Map.of("current", Math.max(0, now.stats().pidsCurrent())));
        m.put("blkio_stats", Map.of("io_service_bytes_recursive", List.of()));
        m.put("num_procs", 0);
        m.put("storage_stats", Map.of());
        m.put("cpu_stats", cpu(now));
        m.put("precpu_stats", before == null ? Map.of() : cpu(before));
        m.put("memory_stats", memory(now.stats()));
        if (!now.networks().isEmpty()) {
            Map<String, Object> networks = new LinkedHashMap<>();
            now.networks().forEach((name, counters) -> networks.put(name, counters.asApi()));
            m.put("networks", networks);
        }
        m.put("name", "/" + c.name());
        m.put("id", c.id());
        return m;
    }

    private static Map<String, Object> cpu(Sample s) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total_usage", Math.max(0, s.stats().cpuUsageNanos()));
        usage.put("usage_in_kernelmode", 0);
        usage.put("usage_in_usermode", 0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_usage", usage);
        m.put("system_cpu_usage", s.systemNanos());
        m.put("online_cpus", Runtime.getRuntime().availableProcessors());
        m.put("throttling_data", Map.of("periods", 0, "throttled_periods", 0,
                "throttled_time", 0));
        return m;
    }

    private static Map<String, Object> memory(Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("usage", Math.max(0, s.memoryUsage()));
        m.put("stats", Map.of());
        m.put("limit", s.memoryLimit() > 0 ? s.memoryLimit() : hostMemory());
        return m;
    }

    private static long hostMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unknown.
        }
        return 0;
    }
}
