package io.berth.image;

import java.util.List;

/**
 * An image found in an archive and checked, not yet stored.
 *
 * @param config the config blob as it was in the archive (its digest is the image id)
 * @param manifest the manifest blob, or null for a docker-archive
 * @param layers the staged layers, lowest first, each checked against the config's diff ids
 * @param names the references the archive gives the image
 */
record LoadedImage(byte[] config, byte[] manifest, List<StagedLayer> layers,
        List<Reference> names) {
}
