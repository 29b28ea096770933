package io.berth.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
     * Variants this machine runs, best first. For amd64 that is the highest micro-architecture
     * level its CPU flags reach (x86-64-v2 to v4, as containerd ranks them), then the lower
     * ones, then no variant (v1).
     */
    static List<String> variants(String arch) {
        return switch (arch) {
            case "amd64" -> amd64Variants(cpuFlags());
            case "arm64" -> List.of("", "v8");
            case "arm" -> List.of("v7", "", "v6", "v5");
            default -> List.of("");
        };
    }

    static List<String> amd64Variants(Set<String> flags) {
        List<String> variants = new ArrayList<>();
        for (int level = AMD64_LEVELS.size() + 1; level >= 2; level--) {
            if (flags.containsAll(AMD64_LEVELS.get(level - 2))) {
                variants.add("v" + level);
            }
        }
        variants.add("v1");
        variants.add("");
        return variants;
    }

    /** The flags each level adds to the one below (x86-64 psABI), v2 first. */
    private static final List<Set<String>> AMD64_LEVELS = List.of(
            Set.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"),
            Set.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3", "avx", "avx2",
                    "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"),
            Set.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3", "avx", "avx2",
                    "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave", "avx512f",
                    "avx512bw", "avx512cd", "avx512dq", "avx512vl"));

    private static Set<String> cpuFlags() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Set.copyOf(java.util.Arrays.asList(
                            l.substring(l.indexOf(':') + 1).strip().split("\\s+"))))
                    .orElse(Set.of());
        } catch (IOException | UncheckedIOException e) {
            return Set.of();
        }
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
