package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WWW-Authenticate challenges as registries send them, and docker's insecure-registry rule. */
class ChallengeAndSchemeTest {
    private final Registries registries = new Registries(new AuthFile(Path.of("/nonexistent")),
            List.of("registry.test:5000", "10.1.0.0/16"));

    @Test
    void aBearerChallengeKeepsRealmServiceAndAScopeWithCommas() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.example/token\","
                + "service=\"registry.example\",scope=\"repository:a/b:pull,push\"");

        assertTrue(c.bearer());
        assertEquals("https://auth.example/token", c.param("realm"));
        assertEquals("registry.example", c.param("service"));
        assertEquals("repository:a/b:pull,push", c.param("scope"));
    }

    @Test
    void aBasicChallengeAndUnquotedOrEscapedValuesAreRead() {
        Challenge c = Challenge.parse("basic realm=plain, error=\"say \\\"no\\\"\"");

        assertTrue(c.basic());
        assertEquals("plain", c.param("realm"));
        assertEquals("say \"no\"", c.param("error"));
    }

    @Test
    void loopbackAndLocalhostAreInsecureWithoutBeingNamed() {
        assertTrue(registries.isInsecure("127.0.0.1:5000"));
        assertTrue(registries.isInsecure("127.45.0.9"));
        assertTrue(registries.isInsecure("localhost:5000"));
        assertTrue(registries.isInsecure("[::1]:5000"));
    }

    @Test
    void namedHostsAndCidrsAreInsecureAndEverythingElseIsNot() {
        assertTrue(registries.isInsecure("registry.test:5000"));
        assertFalse(registries.isInsecure("registry.test:5001"));
        assertTrue(registries.isInsecure("10.1.200.3:443"));
        assertFalse(registries.isInsecure("10.2.0.1"));
        assertFalse(registries.isInsecure("docker.io"));
        assertFalse(registries.isInsecure("quay.io"));
    }
}
