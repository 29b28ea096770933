package io.berth.cgroups;

/** Control files of "key value" lines: memory.events, memory.oom_control, cpu.stat, ... */
final class KeyedFile {
    private KeyedFile() {
    }

    /** The number after {@code key}, or -1 when the file has no such line. */
    static long value(String content, String key) {
        for (String line : content.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(key)) {
                return Long.parseLong(parts[1]);
            }
        }
        return -1;
    }
}
