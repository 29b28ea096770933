package io.berth.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * One row of `ps -ef` for a host pid, read from /proc (dockerd runs ps; Berth reads what ps
 * would). Written by hand: a few fields of /proc/PID/stat and status, no library reads them.
 */
final class ProcRow {
    private static final long TICKS_PER_SECOND = 100;

    private ProcRow() {
    }

    /** UID PID PPID C STIME TTY TIME CMD; null when the process is gone. */
    static List<String> read(long pid, Map<Long, String> users) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // The command name in parentheses may hold spaces: the fields follow its last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ppid = Long.parseLong(f[1]);
            long cpuTicks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long startTicks = Long.parseLong(f[19]);
            long uid = uid(proc);
            String cmd = cmdline(proc, stat);
            return List.of(users.getOrDefault(uid, Long.toString(uid)), Long.toString(pid),
                    Long.toString(ppid), "0", startTime(startTicks), "?", cpuTime(cpuTicks),
                    cmd);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long uid(Path proc) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static String cmdline(Path proc, String stat) throws IOException {
        byte[] raw = Files.readAllBytes(proc.resolve("cmdline"));
        if (raw.length == 0) {
            return "[" + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')) + "]";
        }
        return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
    }

    private static String startTime(long startTicks) throws IOException {
        double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime"))
                .split(" ")[0]);
        long bootMillis = System.currentTimeMillis() - (long) (uptime * 1000);
        Instant started = Instant.ofEpochMilli(bootMillis + startTicks * 1000 / TICKS_PER_SECOND);
        return LocalDateTime.ofInstant(started, ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("HH:mm"));
    }

    private static String cpuTime(long ticks) {
        long seconds = ticks / TICKS_PER_SECOND;
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
