package io.berth.store;

import java.time.Instant;
import java.util.Map;

/**
 * A named volume as the store keeps it: what docker's local driver keeps beside the volume's
 * folder. The folder holds the files; this row says the volume exists. Anonymous volumes have
 * no row: a container's record names them.
 *
 * @param labels never null
 * @param options the driver options it was created with; never null
 */
public record VolumeRecord(String name, Instant created, Map<String, String> labels,
        Map<String, String> options) {

    public VolumeRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
