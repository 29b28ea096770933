package io.berth.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Picks this machine's entry out of a multi-platform index, as docker load does. */
final class Platforms {
    private Platforms() {
    }

    /** This machine's architecture in the OCI spelling (GOARCH): amd64, arm64, ... */
    static String architecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> arch;
        };
    }

    static JsonNode choose(JsonNode index, String source) {
        for (JsonNode descriptor : index.path("manifests")) {
            JsonNode platform = descriptor.path("platform");
            if (platform.path("os").asText("linux").equals("linux")
                    && platform.path("architecture").asText(architecture())
                            .equals(architecture())) {
                return descriptor;
            }
        }
        throw new ImageFormatException(source + " has no image for linux/" + architecture()
                + ".");
    }
}
