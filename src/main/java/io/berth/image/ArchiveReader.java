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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    void readFolder(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    accept(folder.relativize(file).toString(), in);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read " + folder, e);
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
