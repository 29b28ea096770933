package io.berth.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One network interface's counters inside a container, as the kernel keeps them in the
 * container's /proc/PID/net/dev: what {@code berth stats} sums into NET I/O and what the API's
 * stats give per interface under {@code networks}, as dockerd does.
 */
public record InterfaceCounters(long rxBytes, long rxPackets, long rxErrors, long rxDropped,
        long txBytes, long txPackets, long txErrors, long txDropped) {

    /**
     * The counters of every interface but lo in the network namespace of process pid, in the
     * kernel's order.
     *
     * @throws IOException when the process is gone
     */
    public static Map<String, InterfaceCounters> of(long pid) throws IOException {
        Map<String, InterfaceCounters> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/net/dev"))) {
            // "  eth0: 1296 16 0 0 0 0 0 0 726 9 0 0 0 0 0 0"; the two header lines hold no ':'
            // followed by numbers.
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (name.equals("lo") || f.length < 12 || !f[0].matches("\\d+")) {
                continue;
            }
            out.put(name, new InterfaceCounters(num(f[0]), num(f[1]), num(f[2]), num(f[3]),
                    num(f[8]), num(f[9]), num(f[10]), num(f[11])));
        }
        return out;
    }

    private static long num(String field) {
        return Long.parseLong(field);
    }

    /** The Engine API's names for these counters, as in a stats document's networks. */
    public Map<String, Object> asApi() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rx_bytes", rxBytes);
        m.put("rx_packets", rxPackets);
        m.put("rx_errors", rxErrors);
        m.put("rx_dropped", rxDropped);
        m.put("tx_bytes", txBytes);
        m.put("tx_packets", txPackets);
        m.put("tx_errors", txErrors);
        m.put("tx_dropped", txDropped);
        return m;
    }
}
