package io.berth.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One address host-local handed out: a file named by the address, holding the container id and
 * the interface name on two lines (the plugin's disk format, containernetworking/plugins
 * plugins/ipam/host-local/backend/disk).
 */
record Lease(String address, String containerId, String ifName) {
    private static final String ADDRESS = "\\d+\\.\\d+\\.\\d+\\.\\d+";

    /** The leases in one network's folder; none when the folder does not exist. */
    static List<Lease> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Lease> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.matches(ADDRESS)) {
                    out.add(read(name, p));
                }
            }
        } catch (IOException e) {
            throw new NetworkException("list leases in " + folder + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Lease read(String address, Path file) throws IOException {
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\\r?\\n");
        String ifName = lines.length > 1 ? lines[1].strip() : "eth0";
        return new Lease(address, lines[0].strip(), ifName);
    }
}
