package io.berth.image;

import java.util.List;

/**
 * What {@code image prune} removed.
 *
 * @param deleted the ids of the images removed
 * @param reclaimed bytes of unpacked layers deleted with them
 */
public record PruneResult(List<String> deleted, long reclaimed) {

    public PruneResult {
        deleted = List.copyOf(deleted);
    }
}
