package io.berth.volumes;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A volume as users see it ({@code volume inspect}, the API's volume JSON); its driver and scope
 * are always docker's "local".
 *
 * @param mountpoint the folder containers mount
 * @param labels an anonymous volume's ({@code -v /path}) is dockerd's
 *     com.docker.volume.anonymous, which makes prune take it by default
 */
public record Volume(String name, Path mountpoint, Instant createdAt,
        Map<String, String> labels, Map<String, String> options) {
}
