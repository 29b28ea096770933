package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ReferenceTest {
    private static final String DIGEST =
            "sha256:98deae4ed9b5e18b9f7a51712a5ea3a517e5e69abfb01e5c66cbebaa87080fd9";

    @ParameterizedTest(name = "{0} is {1}, shown as {2}")
    @CsvSource({
        "busybox, docker.io/library/busybox:latest, busybox:latest",
        "busybox:1.36, docker.io/library/busybox:1.36, busybox:1.36",
        "docker.io/library/busybox:latest, docker.io/library/busybox:latest, busybox:latest",
        "index.docker.io/library/busybox, docker.io/library/busybox:latest, busybox:latest",
        "docker.io/busybox, docker.io/library/busybox:latest, busybox:latest",
        "someone/tool, docker.io/someone/tool:latest, someone/tool:latest",
        "docker.io/someone/tool:v2, docker.io/someone/tool:v2, someone/tool:v2",
        "library/busybox/sub, docker.io/library/busybox/sub:latest, library/busybox/sub:latest",
        "localhost/x, localhost/x:latest, localhost/x:latest",
        "localhost:5000/x/y:tag, localhost:5000/x/y:tag, localhost:5000/x/y:tag",
        "quay.io/org/app:1.0, quay.io/org/app:1.0, quay.io/org/app:1.0",
        "127.0.0.1:5000/a_b.c-d__e:T_1.x, 127.0.0.1:5000/a_b.c-d__e:T_1.x,"
                + " 127.0.0.1:5000/a_b.c-d__e:T_1.x",
        "Registry/x, Registry/x:latest, Registry/x:latest",
    })
    void referencesAreNormalisedAsDockerDoes(String input, String canonical, String familiar) {
        Reference ref = Reference.parse(input);

        assertEquals(canonical, ref.canonical());
        assertEquals(familiar, ref.familiar());
    }

    @Test
    void aDigestReferenceHasNoDefaultTag() {
        Reference ref = Reference.parse("busybox@" + DIGEST);

        assertNull(ref.tag());
        assertEquals(DIGEST, ref.digest());
        assertEquals("docker.io/library/busybox@" + DIGEST, ref.canonical());
        assertEquals("busybox@" + DIGEST, ref.familiar());
    }

    @Test
    void aTagAndADigestAreBothKept() {
        Reference ref = Reference.parse("localhost:5000/x:1@" + DIGEST);

        assertEquals("1", ref.tag());
        assertEquals("localhost:5000/x:1@" + DIGEST, ref.canonical());
    }

    @Test
    void partsNameRepositoryDomainAndPath() {
        Reference ref = Reference.parse("busybox");

        assertEquals("docker.io/library/busybox", ref.repository());
        assertEquals("busybox", ref.familiarRepository());
        assertEquals("docker.io", ref.domain());
        assertEquals("library/busybox", ref.path());
        assertEquals("latest", ref.tag());
        assertEquals("localhost:5000/x", Reference.parse("localhost:5000/x").familiarRepository());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Busybox", "busybox:", "busybox:-x", "a//b", "-a", "a:b:c",
        "busybox@sha256:abc", "UPPER/Case", ":tag", "a/b:t@", "bad name",
        "98deae4ed9b5e18b9f7a51712a5ea3a517e5e69abfb01e5c66cbebaa87080fd9"})
    void malformedReferencesAreRefusedWithDockersSentence(String input) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Reference.parse(input));

        assertTrue(e.getMessage().startsWith("invalid reference format"), e.getMessage());
    }

    @Test
    void aNameLongerThan255CharactersIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Reference.parse("a/" + "b".repeat(260)));
    }
}
