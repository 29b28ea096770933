package io.berth.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What an archive read by {@link ArchiveReader} holds: the images of a docker-archive
 * (manifest.json) or of an OCI layout (index.json), each blob checked against its digest and
 * each layer against its diff id.
 */
final class ArchiveImages {
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final String CONTAINERD_NAME = "io.containerd.image.name";
    private static final Set<String> INDEX_TYPES = Set.of(
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");

    private final ArchiveReader archive;
    private final String source;

    private ArchiveImages(ArchiveReader archive) {
        this.archive = archive;
        this.source = archive.source();
    }

    /** The images of the archive, or an {@link ImageFormatException} naming what is wrong. */
    static List<LoadedImage> of(ArchiveReader archive) {
        ArchiveImages images = new ArchiveImages(archive);
        if (archive.has("manifest.json")) {
            return images.dockerArchive();
        }
        if (archive.has("index.json")) {
            return images.ociLayout();
        }
        throw new ImageFormatException(archive.source()
                + " is not an image archive: it has neither manifest.json nor index.json.");
    }

    private List<LoadedImage> dockerArchive() {
        JsonNode manifest = json("manifest.json", file("manifest.json"));
        if (!manifest.isArray() || manifest.isEmpty()) {
            throw new ImageFormatException(source + " has a manifest.json that lists no image.");
        }
        List<LoadedImage> images = new ArrayList<>();
        for (JsonNode item : manifest) {
            images.add(dockerImage(item));
        }
        return images;
    }

    private LoadedImage dockerImage(JsonNode item) {
        String configName = item.path("Config").asText("");
        byte[] config = file(configName);
        List<String> layerNames = new ArrayList<>();
        item.path("Layers").forEach(l -> layerNames.add(l.asText()));
        List<StagedLayer> layers = new ArrayList<>();
        List<String> diffIds = diffIds(config, configName);
        requireCount(layerNames.size(), diffIds.size(), configName);
        for (int i = 0; i < layerNames.size(); i++) {
            StagedLayer layer = layer(layerNames.get(i));
            requireDiffId(layer, diffIds.get(i), layerNames.get(i));
            layers.add(layer);
        }
        List<Reference> names = new ArrayList<>();
        item.path("RepoTags").forEach(t -> names.add(reference(t.asText())));
        return new LoadedImage(config, null, layers, names);
    }

    private List<LoadedImage> ociLayout() {
        JsonNode index = json("index.json", file("index.json"));
        JsonNode manifests = index.path("manifests");
        if (!manifests.isArray() || manifests.isEmpty()) {
            throw new ImageFormatException(source + " has an index.json that lists no image.");
        }
        List<LoadedImage> images = new ArrayList<>();
        for (JsonNode descriptor : manifests) {
            images.add(ociImage(descriptor, name(descriptor)));
        }
        return images;
    }

    private LoadedImage ociImage(JsonNode descriptor, List<Reference> names) {
        byte[] blob = blob(descriptor);
        if (INDEX_TYPES.contains(descriptor.path("mediaType").asText())) {
            return ociImage(Platforms.choose(json(descriptor.path("digest").asText(), blob),
                    source), names);
        }
        JsonNode manifest = json(descriptor.path("digest").asText(), blob);
        JsonNode configDescriptor = manifest.path("config");
        byte[] config = blob(configDescriptor);
        String configName = configDescriptor.path("digest").asText();
        List<String> diffIds = diffIds(config, configName);
        JsonNode layerDescriptors = manifest.path("layers");
        requireCount(layerDescriptors.size(), diffIds.size(), configName);
        List<StagedLayer> layers = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            layers.add(ociLayer(layerDescriptors.get(i), diffIds.get(i)));
        }
        return new LoadedImage(config, blob, layers, names);
    }

    private StagedLayer ociLayer(JsonNode descriptor, String diffId) {
        String digest = descriptor.path("digest").asText();
        String name = blobName(digest);
        StagedLayer layer = layer(name);
        if (!layer.blobDigest().equals(digest)) {
            throw new ImageFormatException(source + " has a damaged layer " + name
                    + ": its content does not match its digest.");
        }
        requireDiffId(layer, diffId, name);
        return layer;
    }

    /**
     * A ref name that is a whole reference names the image; a bare tag (skopeo writes
     * "latest") names nothing, as docker load treats it.
     */
    private List<Reference> name(JsonNode descriptor) {
        JsonNode annotations = descriptor.path("annotations");
        String full = annotations.path(CONTAINERD_NAME).asText("");
        String ref = annotations.path(REF_NAME).asText("");
        if (!full.isEmpty()) {
            return List.of(reference(full));
        }
        if (ref.contains("/") || ref.contains(":")) {
            return List.of(reference(ref));
        }
        return List.of();
    }

    private byte[] blob(JsonNode descriptor) {
        String digest = descriptor.path("digest").asText("");
        byte[] content = file(blobName(digest));
        if (!Digest.of(content).equals(digest)) {
            throw new ImageFormatException(source + " has a damaged blob " + digest
                    + ": its content does not match its digest.");
        }
        return content;
    }

    private String blobName(String digest) {
        if (!Digest.isSha256(digest)) {
            throw new ImageFormatException(source + " refers to a blob by \"" + digest
                    + "\", which is no sha256 digest.");
        }
        return "blobs/sha256/" + Digest.hex(digest);
    }

    private List<String> diffIds(byte[] config, String configName) {
        JsonNode node = json(configName, config);
        List<String> diffIds = new ArrayList<>();
        node.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        for (String diffId : diffIds) {
            if (!Digest.isSha256(diffId)) {
                throw new ImageFormatException(source + " has an image config " + configName
                        + " with a diff id \"" + diffId + "\" that is no sha256 digest.");
            }
        }
        return diffIds;
    }

    private void requireCount(int layers, int diffIds, String configName) {
        if (layers != diffIds) {
            throw new ImageFormatException(source + " lists " + layers + " layers for image "
                    + configName + ", whose config names " + diffIds + ".");
        }
    }

    private void requireDiffId(StagedLayer layer, String diffId, String name) {
        if (!layer.diffId().equals(diffId)) {
            throw new ImageFormatException(source + " has a damaged layer " + name
                    + ": its content does not match its diff id " + diffId + ".");
        }
    }

    private byte[] file(String name) {
        return archive.file(name).orElseThrow(() -> new ImageFormatException(source
                + (archive.has(name) ? " has an entry " + name + " that is no JSON document."
                        : " lacks " + name + ", which its manifest names.")));
    }

    private StagedLayer layer(String name) {
        return archive.layer(name).orElseThrow(() -> new ImageFormatException(source
                + (archive.has(name) ? " has an entry " + name + " that is not a layer tar."
                        : " lacks the layer " + name + ", which its manifest names.")));
    }

    private JsonNode json(String name, byte[] content) {
        try {
            JsonNode node = SpecJson.mapper().readTree(content);
            if (node == null || node.isMissingNode()) {
                throw new IOException("empty");
            }
            return node;
        } catch (IOException e) {
            throw new ImageFormatException(source + " has an entry " + name
                    + " that is not valid JSON.", e);
        }
    }

    private Reference reference(String name) {
        try {
            return Reference.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ImageFormatException(source + " names an image \"" + name
                    + "\", which is not a valid reference.", e);
        }
    }
}
