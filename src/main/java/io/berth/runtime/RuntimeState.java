package io.berth.runtime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A container as the runtime sees it: the OCI state document's fields.
 *
 * @param pid the container process's pid on the host; 0 once stopped
 */
public record RuntimeState(String id, Status status, long pid, Path bundle,
        Map<String, String> annotations, Instant created) {
}
