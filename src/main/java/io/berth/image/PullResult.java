package io.berth.image;

/**
 * What a pull did.
 *
 * @param image the image as stored now
 * @param digest the digest of the manifest (or index) the reference named, as docker prints
 *     it after {@code Digest:}
 * @param downloaded false when the name pulled (its tag, or its digest) already named this
 *     image in the store (docker's "Image is up to date"); true for a new or moved tag
 */
public record PullResult(Image image, String digest, boolean downloaded) {
}
