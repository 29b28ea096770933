package io.berth.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * Picks this machine's entry out of a multi-platform index or manifest list, for pulls and
 * loads alike: linux, this architecture, the best variant this machine runs, and never an
 * attestation (BuildKit lists those with platform unknown/unknown).
 */
final class Platforms {
    private static final String REFERENCE_TYPE = "vnd.docker.reference.type";

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

    /**
     * Variants this machine runs, best first. Not yet: amd64 v3 and v4, which need the CPU's
     * flags (avx2, avx512) read from /proc/cpuinfo; an index offering only those is refused.
     */
    static List<String> variants(String arch) {
        return switch (arch) {
            case "amd64" -> List.of("", "v1", "v2");
            case "arm64" -> List.of("", "v8");
            case "arm" -> List.of("v7", "", "v6", "v5");
            default -> List.of("");
        };
    }

    static JsonNode choose(JsonNode index, String source) {
        String arch = architecture();
        List<String> variants = variants(arch);
        JsonNode best = null;
        int bestRank = Integer.MAX_VALUE;
        for (JsonNode descriptor : index.path("manifests")) {
            JsonNode platform = descriptor.path("platform");
            if (isAttestation(descriptor)
                    || !platform.path("os").asText("linux").equals("linux")
                    || !platform.path("architecture").asText(arch).equals(arch)) {
                continue;
            }
            int rank = variants.indexOf(platform.path("variant").asText(""));
            if (rank >= 0 && rank < bestRank) {
                best = descriptor;
                bestRank = rank;
            }
        }
        if (best == null) {
            throw new ImageFormatException(source + " has no image for linux/" + arch + ".");
        }
        return best;
    }

    private static boolean isAttestation(JsonNode descriptor) {
        JsonNode platform = descriptor.path("platform");
        return descriptor.path("annotations").path(REFERENCE_TYPE).asText("")
                .equals("attestation-manifest")
                || platform.path("os").asText("").equals("unknown")
                || platform.path("architecture").asText("").equals("unknown");
    }
}
