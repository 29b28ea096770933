package io.berth.image;

import io.berth.spec.ImageConfig;
import java.time.Instant;
import java.util.List;

/**
 * An image in the store.
 *
 * @param id sha256:HEX of the image's config blob
 * @param repoTags names in docker's familiar form, as {@code docker images} and the Engine API
 *     show them: {@code busybox:latest}, {@code localhost:5000/x/y:tag}
 * @param repoDigests {@code name@sha256:...} in familiar form
 * @param created when the image was built, from its config (EPOCH when the config has none)
 * @param size bytes of all layers, unpacked
 * @param config what a container of this image runs by default
 * @param diffIds the digests of the uncompressed layers, lowest first
 */
public record Image(String id, List<String> repoTags, List<String> repoDigests, Instant created,
        long size, ImageConfig config, List<String> diffIds, String architecture, String os) {

    public Image {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        diffIds = List.copyOf(diffIds);
    }

    /** The first 12 hex digits of the id, as docker shows it. */
    public String shortId() {
        return Digest.hex(id).substring(0, 12);
    }
}
