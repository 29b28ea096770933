package io.berth.engine;

/**
 * A container's disk use as docker reports it.
 *
 * @param rw bytes in its writable layer (SizeRw)
 * @param rootFs bytes of every file its root shows: the image's and the writable layer's
 *     (SizeRootFs)
 */
public record ContainerSize(long rw, long rootFs) {
}
