package io.berth.image;

/**
 * What a pull did.
 *
 * @param image the image as stored now
 * @param digest the digest of the manifest (or index) the reference named, as docker prints
 *     it after {@code Digest:}
 * @param downloaded false when the store held the image already (docker's "Image is up to date")
 */
public record PullResult(Image image, String digest, boolean downloaded) {
}
