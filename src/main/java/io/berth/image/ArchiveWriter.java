package io.berth.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes images as one tar that is both a docker-archive and an OCI image layout, as docker save
 * writes it since Engine 25: uncompressed layer tars and configs under {@code blobs/sha256/},
 * {@code manifest.json} for docker load and skopeo's docker-archive, and {@code index.json} with
 * {@code oci-layout} for OCI tools. Each layer tar is written again from its tar-split, so its
 * digest is the layer's diff id.
 */
final class ArchiveWriter {
    private static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final Date EPOCH = new Date(0);

    private final LayerStore layers;
    private final TarArchiveOutputStream tar;
    private final Set<String> written = new HashSet<>();
    private final ArrayNode manifestJson = SpecJson.mapper().createArrayNode();
    private final ObjectNode index = SpecJson.mapper().createObjectNode();

    /** One image to write, with the names it carries in the archive. */
    record Entry(byte[] config, List<String> diffIds, List<Reference> names) {
    }

    ArchiveWriter(LayerStore layers, OutputStream out) {
        this.layers = layers;
        this.tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.putArray("manifests");
    }

    /** Writes the images, then the documents that name them, and ends the tar. */
    void write(List<Entry> images) {
        try {
            folder("blobs/");
            folder("blobs/sha256/");
            for (Entry image : images) {
                image(image);
            }
            file("index.json", json(index));
            file("manifest.json", json(manifestJson));
            file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(
                    StandardCharsets.UTF_8));
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("write image archive", e);
        }
    }

    private void image(Entry image) throws IOException {
        ArrayNode layerNames = SpecJson.mapper().createArrayNode();
        ArrayNode descriptors = SpecJson.mapper().createArrayNode();
        for (String diffId : image.diffIds()) {
            long size = layer(diffId);
            layerNames.add("blobs/sha256/" + Digest.hex(diffId));
            descriptors.addObject().put("mediaType", OCI_LAYER).put("digest", diffId)
                    .put("size", size);
        }
        String configDigest = blob(image.config());
        byte[] manifest = ociManifest(configDigest, image.config().length, descriptors);
        String manifestDigest = blob(manifest);
        ObjectNode item = manifestJson.addObject();
        item.put("Config", "blobs/sha256/" + Digest.hex(configDigest));
        ArrayNode tags = item.putArray("RepoTags");
        image.names().forEach(n -> tags.add(n.familiar()));
        item.set("Layers", layerNames);
        indexEntries(manifestDigest, manifest.length, image.names());
    }

    private void indexEntries(String digest, int size, List<Reference> names) {
        ArrayNode manifests = (ArrayNode) index.get("manifests");
        if (names.isEmpty()) {
            manifests.addObject().put("mediaType", OCI_MANIFEST).put("digest", digest)
                    .put("size", size);
        }
        for (Reference name : names) {
            ObjectNode entry = manifests.addObject().put("mediaType", OCI_MANIFEST)
                    .put("digest", digest).put("size", size);
            entry.putObject("annotations").put("io.containerd.image.name", name.canonical())
                    .put("org.opencontainers.image.ref.name", name.tag());
        }
    }

    private static byte[] ociManifest(String configDigest, int configSize, ArrayNode layers) {
        ObjectNode manifest = SpecJson.mapper().createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.putObject("config").put("mediaType", OCI_CONFIG).put("digest", configDigest)
                .put("size", configSize);
        manifest.set("layers", layers);
        return json(manifest);
    }

    /** A layer shared by several images is written once. */
    private long layer(String diffId) throws IOException {
        long size = layers.tarSize(diffId);
        if (!written.add(diffId)) {
            return size;
        }
        TarArchiveEntry entry = entry("blobs/sha256/" + Digest.hex(diffId), size);
        tar.putArchiveEntry(entry);
        layers.writeTar(diffId, tar);
        tar.closeArchiveEntry();
        return size;
    }

    private String blob(byte[] content) throws IOException {
        String digest = Digest.of(content);
        if (written.add(digest)) {
            file("blobs/sha256/" + Digest.hex(digest), content);
        }
        return digest;
    }

    private void file(String name, byte[] content) throws IOException {
        tar.putArchiveEntry(entry(name, content.length));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private void folder(String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setModTime(EPOCH);
        entry.setMode(040755);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0100644);
        entry.setModTime(EPOCH);
        return entry;
    }

    private static byte[] json(Object node) {
        try {
            return SpecJson.mapper().writer().without(
                    com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("write JSON", e);
        }
    }
}
