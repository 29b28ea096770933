package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.spec.SpecJson;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which entry of a multi-platform index this machine takes. */
class PlatformsTest {
    private static final Set<String> V2 =
            Set.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3", "sse2");
    private static final Set<String> V3 = union(V2, Set.of("avx", "avx2", "bmi1", "bmi2", "f16c",
            "fma", "abm", "movbe", "xsave"));

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void anAmd64CpuPrefersItsHighestLevelThenLowerOnesThenNoVariant() {
        assertEquals(List.of("v3", "v2", "v1", ""), Platforms.amd64Variants(V3));
        assertEquals(List.of("v2", "v1", ""), Platforms.amd64Variants(V2));
        assertEquals(List.of("v1", ""), Platforms.amd64Variants(Set.of("sse2")));
    }

    @Test
    void attestationsAndOtherPlatformsAreSkipped() throws Exception {
        JsonNode index = SpecJson.mapper().readTree("""
                {"manifests":[
                 {"digest":"a","platform":{"os":"unknown","architecture":"unknown"}},
                 {"digest":"b","platform":{"os":"linux","architecture":"arm64"}},
                 {"digest":"c","platform":{"os":"windows","architecture":"amd64"}},
                 {"digest":"d","platform":{"os":"linux","architecture":"amd64"}}]}""");

        assertEquals("d", Platforms.choose(index, "test").path("digest").asText());
    }

    @Test
    void anIndexWithoutThisPlatformIsRefusedByName() throws Exception {
        JsonNode index = SpecJson.mapper().readTree("""
                {"manifests":[{"digest":"b","platform":{"os":"linux","architecture":"s390x"}}]}
                """);

        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> Platforms.choose(index, "the index of x"));
        assertEquals("the index of x has no image for linux/amd64.", e.getMessage());
    }
}
