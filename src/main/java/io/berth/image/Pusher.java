package io.berth.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.image.registry.RegistryClient;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Sends one stored image to a registry: each layer's tar is written again from its tar-split
 * (so its diff id, and the image id, stay the same), gzip-compressed into a staging file and
 * uploaded unless the registry holds it; then the config, then a manifest under the tag.
 */
final class Pusher {
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String DOCKER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    private final RegistryClient client;
    private final LayerStore layers;
    private final Progress progress;

    Pusher(RegistryClient client, LayerStore layers, Progress progress) {
        this.client = client;
        this.layers = layers;
        this.progress = progress;
    }

    /** Pushes and returns the digest of the manifest the registry stored. */
    String push(Reference reference, byte[] config, List<String> diffIds) {
        String repository = reference.path();
        progress.message("The push refers to repository [" + reference.repository() + "]");
        List<LayerStore.Compressed> blobs = new ArrayList<>();
        for (String diffId : diffIds) {
            progress.status(Puller.shortId(diffId), "Preparing");
        }
        for (String diffId : diffIds) {
            blobs.add(layer(reference, diffId));
        }
        String configDigest = Digest.of(config);
        if (client.blobSize(repository, configDigest, true).isEmpty()) {
            client.upload(repository, configDigest, config);
        }
        boolean oci = blobs.stream().anyMatch(b -> !b.mediaType().contains("docker"));
        byte[] manifest = manifest(oci, configDigest, config.length, blobs);
        String digest = client.putManifest(repository, reference.tag(),
                oci ? OCI_MANIFEST : DOCKER_MANIFEST, manifest);
        progress.message(reference.tag() + ": digest: " + digest + " size: " + manifest.length);
        return digest;
    }

    private LayerStore.Compressed layer(Reference reference, String diffId) {
        String id = Puller.shortId(diffId);
        String repository = reference.path();
        for (LayerStore.Compressed known : layers.compressed(diffId)) {
            if (client.blobSize(repository, known.digest(), true).isPresent()) {
                progress.status(id, "Layer already exists");
                layers.rememberCompressed(diffId, known.in(reference.repository()));
                return known;
            }
            Optional<String> from = sameRegistry(known, reference);
            if (from.isPresent() && client.mount(repository, known.digest(), from.get())) {
                progress.status(id, "Mounted from " + from.get());
                layers.rememberCompressed(diffId, known.in(reference.repository()));
                return known;
            }
        }
        Path staged = layers.stage();
        try {
            Path file = staged.resolve("layer.tar.gz");
            LayerStore.Compressed blob = compress(diffId, file);
            if (client.blobSize(repository, blob.digest(), true).isPresent()) {
                progress.status(id, "Layer already exists");
            } else {
                progress.status(id, "Pushing");
                client.upload(repository, blob.digest(), file);
                progress.status(id, "Pushed");
            }
            layers.rememberCompressed(diffId, blob.in(reference.repository()));
            return blob;
        } finally {
            Tree.deleteQuietly(staged, null);
        }
    }

    /** The path of another repository on the same registry that holds the blob. */
    private static Optional<String> sameRegistry(LayerStore.Compressed known,
            Reference reference) {
        String prefix = reference.domain() + "/";
        String seen = known.repository();
        return seen.startsWith(prefix) && !seen.equals(reference.repository())
                ? Optional.of(seen.substring(prefix.length())) : Optional.empty();
    }

    /** gzip as the JDK writes it is the same for the same tar, so a second push finds it. */
    private LayerStore.Compressed compress(String diffId, Path file) {
        MessageDigest hash = Digest.sha256();
        try (OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(
                Files.newOutputStream(file), 256 * 1024), hash);
                GZIPOutputStream gzip = new GZIPOutputStream(out, 256 * 1024)) {
            layers.writeTar(diffId, gzip);
        } catch (IOException e) {
            throw new UncheckedIOException("compress layer " + diffId, e);
        }
        try {
            return new LayerStore.Compressed(Digest.of(hash), Files.size(file), DOCKER_GZIP, "");
        } catch (IOException e) {
            throw new UncheckedIOException("size of " + file, e);
        }
    }

    /**
     * docker's own manifest type while every layer is gzip or plain; OCI's when one is zstd,
     * which docker's type cannot name.
     */
    private static byte[] manifest(boolean oci, String configDigest, int configSize,
            List<LayerStore.Compressed> blobs) {
        ObjectNode manifest = SpecJson.mapper().createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", oci ? OCI_MANIFEST : DOCKER_MANIFEST);
        manifest.putObject("config").put("mediaType", oci
                ? "application/vnd.oci.image.config.v1+json"
                : "application/vnd.docker.container.image.v1+json")
                .put("size", configSize).put("digest", configDigest);
        ArrayNode list = manifest.putArray("layers");
        for (LayerStore.Compressed blob : blobs) {
            list.addObject().put("mediaType", mediaType(blob.mediaType(), oci))
                    .put("size", blob.size()).put("digest", blob.digest());
        }
        try {
            return SpecJson.mapper().writer().without(
                    com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("write manifest", e);
        }
    }

    private static String mediaType(String known, boolean oci) {
        String compression = known.endsWith("zstd") ? "zstd"
                : known.endsWith("gzip") ? "gzip" : "";
        if (!oci) {
            return compression.isEmpty() ? "application/vnd.docker.image.rootfs.diff.tar"
                    : DOCKER_GZIP;
        }
        return compression.isEmpty() ? "application/vnd.oci.image.layer.v1.tar"
                : compression.equals("gzip") ? OCI_GZIP
                : "application/vnd.oci.image.layer.v1.tar+zstd";
    }
}
