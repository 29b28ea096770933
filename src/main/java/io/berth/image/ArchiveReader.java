package io.berth.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One pass over an image archive (a tar stream or a layout folder), before anything says what is
 * what: small entries are kept in memory, entries that look like layers are unpacked into staging
 * as they stream past. docker save writes manifest.json last, so waiting for it would mean a
 * second pass or a second copy of every layer.
 */
final class ArchiveReader implements AutoCloseable {
    private static final int SMALL = 16 * 1024 * 1024;
    private static final int BUFFER = 64 * 1024;
    private static final String BLOBS = "blobs/sha256/";

    private final LayerReader layerReader;
    private final String source;
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, StagedLayer> layers = new HashMap<>();
    private final Map<String, String> others = new HashMap<>();

    ArchiveReader(LayerReader layerReader, String source) {
        this.layerReader = layerReader;
        this.source = source;
    }

    /** The input as error messages name it. */
    String source() {
        return source;
    }

    void readTar(InputStream in) {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry entry;
        while ((entry = next(tar)) != null) {
            if (entry.isFile()) {
                accept(entry.getName(), tar);
            }
        }
    }

    private TarArchiveEntry next(TarArchiveInputStream tar) {
        try {
            return tar.getNextEntry();
        } catch (IOException | RuntimeException e) {
            throw new ImageFormatException(source + " is not a readable tar archive: "
                    + ImageFormatException.reason(e) + ".", e);
        }
    }

    /**
     * A folder's files are independent of each other, so its layers are unpacked several at
     * once, largest first, as a pull does; a tar stream can only be read in order.
     */
    void readFolder(Path folder) {
        // Checked before the walk: a folder that is no image (/tmp, /) is not read through.
        if (!Files.isRegularFile(folder.resolve("manifest.json"))
                && !Files.isRegularFile(folder.resolve("index.json"))) {
            throw new ImageFormatException(folder
                    + " is not an image archive: it has neither manifest.json nor index.json.");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted(largestFirst()).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("read " + folder, e instanceof IOException io ? io
                    : ((UncheckedIOException) e).getCause());
        }
        ExecutorService pool = Executors.newFixedThreadPool(Puller.PARALLEL, r -> {
            Thread t = new Thread(r, "berth-load");
            t.setDaemon(true);
            return t;
        });
        Map<String, Future<StagedLayer>> staging = new LinkedHashMap<>();
        try {
            for (Path file : files) {
                String name = normalize(folder.relativize(file).toString());
                BufferedInputStream in = open(file);
                if (isLayerOrClose(name, in)) {
                    staging.put(name, pool.submit(() -> stageAndClose(name, in)));
                }
            }
        } catch (RuntimeException e) {
            try {
                collect(staging);
            } catch (RuntimeException later) {
                e.addSuppressed(later);
            }
            throw e;
        } finally {
            pool.shutdown();
        }
        collect(staging);
    }

    private static java.util.Comparator<Path> largestFirst() {
        return java.util.Comparator.comparingLong((Path p) -> {
            try {
                return -Files.size(p);
            } catch (IOException e) {
                return 0;
            }
        }).thenComparing(java.util.Comparator.naturalOrder());
    }

    private BufferedInputStream open(Path file) {
        try {
            return new BufferedInputStream(Files.newInputStream(file), BUFFER);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }

    /** Keeps a file that is no layer (and closes it); true for a layer, left open. */
    private boolean isLayerOrClose(String name, BufferedInputStream in) {
        boolean layer = false;
        try {
            layer = isLayer(in);
            if (!layer) {
                keep(name, in);
            }
            return layer;
        } catch (IOException e) {
            throw new ImageFormatException(source + " is damaged at " + name + ": "
                    + ImageFormatException.reason(e) + ".", e);
        } finally {
            if (!layer) {
                closeQuietly(in);
            }
        }
    }

    private StagedLayer stageAndClose(String name, BufferedInputStream in) {
        try (in) {
            return stageLayer(name, in);
        } catch (IOException e) {
            throw new ImageFormatException(source + " is damaged at " + name + ": "
                    + ImageFormatException.reason(e) + ".", e);
        }
    }

    /**
     * Waits for every layer, so that each staged folder is known and deleted on close; the
     * first failure is thrown once all have ended.
     */
    private void collect(Map<String, Future<StagedLayer>> staging) {
        RuntimeException failure = null;
        for (Map.Entry<String, Future<StagedLayer>> e : staging.entrySet()) {
            try {
                layers.put(e.getKey(), e.getValue().get());
            } catch (ExecutionException ex) {
                Throwable cause = ex.getCause();
                RuntimeException thrown = cause instanceof RuntimeException r ? r
                        : new IllegalStateException(cause);
                failure = failure == null ? thrown : failure;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                failure = failure == null ? new IllegalStateException("load interrupted", ex)
                        : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Read to the end already, or failed for a reason reported elsewhere.
        }
    }

    private void accept(String rawName, InputStream content) {
        String name = normalize(rawName);
        BufferedInputStream in = new BufferedInputStream(content, BUFFER);
        try {
            if (isLayer(in)) {
                layers.put(name, stageLayer(name, in));
            } else {
                keep(name, in);
            }
        } catch (IOException e) {
            throw new ImageFormatException(source + " is damaged at " + name + ": "
                    + ImageFormatException.reason(e) + ".", e);
        }
    }

    /** A layer blob the store already holds by its digest is only hashed, not unpacked. */
    private StagedLayer stageLayer(String name, BufferedInputStream in) throws IOException {
        String hex = name.startsWith(BLOBS) ? name.substring(BLOBS.length()) : "";
        Optional<String> known = Digest.isHex(hex)
                ? layerReader.storedLayerOf("sha256:" + hex) : Optional.empty();
        if (known.isEmpty()) {
            return layerReader.stage(in, source + ": layer " + name);
        }
        MessageDigest hash = Digest.sha256();
        new DigestInputStream(in, hash).transferTo(OutputStream.nullOutputStream());
        return new StagedLayer(Digest.of(hash), known.get(), null, 0);
    }

    private static boolean isLayer(BufferedInputStream in) throws IOException {
        return Compression.sniff(in) != Compression.NONE || Compression.looksLikeTar(in);
    }

    /** Small entries (configs, manifests) stay in memory; large unknown ones only by digest. */
    private void keep(String name, BufferedInputStream in) throws IOException {
        in.mark(SMALL + 1);
        byte[] head = in.readNBytes(SMALL + 1);
        if (head.length <= SMALL) {
            files.put(name, head);
            return;
        }
        in.reset();
        MessageDigest hash = Digest.sha256();
        new DigestInputStream(in, hash).transferTo(OutputStream.nullOutputStream());
        others.put(name, Digest.of(hash));
    }

    private static String normalize(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.startsWith("/") ? 1 : 2);
        }
        return n;
    }

    Optional<byte[]> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    boolean has(String name) {
        return files.containsKey(name) || layers.containsKey(name) || others.containsKey(name);
    }

    Optional<StagedLayer> layer(String name) {
        return Optional.ofNullable(layers.get(name));
    }

    /** The staged layers no commit moved into the store are deleted. */
    @Override
    public void close() {
        List<Throwable> failures = new ArrayList<>();
        for (StagedLayer layer : layers.values()) {
            if (layer.folder() == null) {
                continue;
            }
            try {
                Tree.delete(layer.folder());
            } catch (IOException | UncheckedIOException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            UncheckedIOException e = new UncheckedIOException(new IOException(
                    "delete staged layers of " + source, failures.getFirst()));
            throw e;
        }
    }
}
