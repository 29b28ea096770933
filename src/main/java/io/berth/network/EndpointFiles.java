package io.berth.network;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Endpoints on disk, under the CNI cache folder (volatile, like the veths they describe):
 * {@code <cacheDir>/endpoints/<containerId>/<networkId>.json}. A record is written before the
 * plugins run, so a CLI killed halfway leaves a record that reconcile can undo.
 */
final class EndpointFiles {
    private final Path dir;

    EndpointFiles(Path cacheDir) {
        this.dir = cacheDir.resolve("endpoints");
    }

    List<Endpoint> all() {
        List<Endpoint> out = new ArrayList<>();
        for (Path container : list(dir)) {
            for (Path file : list(container)) {
                if (file.getFileName().toString().endsWith(".json")) {
                    out.add(JsonFiles.read(file, Endpoint.class));
                }
            }
        }
        return out;
    }

    /** Names only, with a plain loop: the engine asks before every start. */
    List<String> containerIds() {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                ids.add(p.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return ids;
        } catch (IOException e) {
            throw new NetworkException("list " + dir + ": " + e.getMessage(), e);
        }
        return ids;
    }

    List<Endpoint> ofContainer(String containerId) {
        return all().stream().filter(e -> e.containerId().equals(containerId)).toList();
    }

    List<Endpoint> onNetwork(String networkId) {
        return all().stream().filter(e -> e.networkId().equals(networkId)).toList();
    }

    void write(Endpoint e) {
        JsonFiles.write(file(e.containerId(), e.networkId()), e);
    }

    void delete(Endpoint e) {
        Path file = file(e.containerId(), e.networkId());
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        } catch (DirectoryNotEmptyException stillAttached) {
            // The container is still on another network.
        } catch (IOException x) {
            throw new NetworkException("remove " + file + ": " + x.getMessage(), x);
        }
    }

    private Path file(String containerId, String networkId) {
        if (!containerId.matches("[A-Za-z0-9_.-]+")) {
            throw new InvalidNetworkException("invalid container id " + containerId);
        }
        return dir.resolve(containerId).resolve(networkId + ".json");
    }

    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new NetworkException("list " + folder + ": " + e.getMessage(), e);
        }
    }
}
