package io.berth.image;

import java.time.Instant;

/**
 * One step of an image's history, as {@code docker history} shows it (newest first).
 *
 * @param id the image id on the newest step, {@code <missing>} on the others, as docker shows
 *     steps whose intermediate images are not in the store
 * @param created when the step ran (EPOCH when the config does not say)
 * @param createdBy the command of the step, empty when unknown
 * @param size bytes the step's layer holds unpacked; 0 for a step that made no layer
 * @param comment the step's comment
 * @param emptyLayer true when the step made no layer (ENV, CMD, ...)
 */
public record HistoryEntry(String id, Instant created, String createdBy, long size,
        String comment, boolean emptyLayer) {
}
