package io.berth.image;

import java.nio.file.Path;

/**
 * A layer unpacked into a staging folder while it was read, before anything named it.
 *
 * @param blobDigest digest of the bytes as read (compressed or not)
 * @param diffId digest of the uncompressed tar
 * @param folder the staging folder (holding {@code diff/}); moved into the store on commit;
 *     null when the store held the layer already and the blob was only hashed
 * @param size bytes of file content in the layer (0 when only hashed)
 */
record StagedLayer(String blobDigest, String diffId, Path folder, long size) {
}
