package io.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pid together with its start time (field 22 of /proc/PID/stat), so that a pid the kernel
 * has since handed to another process is not mistaken for ours.
 */
record ProcessId(long pid, long startTime) {

    /** The identity of a live process, or null when there is none. */
    static ProcessId of(long pid) {
        String[] fields = statFields(pid);
        return fields == null ? null : new ProcessId(pid, Long.parseLong(fields[19]));
    }

    /** Whether this very process still runs (a zombie counts as gone). */
    boolean alive() {
        String[] fields = statFields(pid);
        return fields != null && !fields[0].equals("Z")
                && Long.parseLong(fields[19]) == startTime;
    }

    /** The fields after the command name: [0] is the state, [19] the start time. */
    private static String[] statFields(long pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name may hold spaces and parentheses; it ends at the last ')'.
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException e) {
            return null;
        }
    }
}
