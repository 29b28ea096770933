package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NativeSha256Test {

    private static MessageDigest openssl() {
        var digest = NativeSha256.create();
        assumeTrue(digest.isPresent(), "this machine has no libcrypto");
        return digest.get();
    }

    private static MessageDigest jdk() throws Exception {
        return MessageDigest.getInstance("SHA-256", "SUN");
    }

    @Test
    void hashesSlicesOfArraysAsTheJdkDoes() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        MessageDigest ours = openssl();
        MessageDigest theirs = jdk();
        for (int offset = 0, step = 1; offset < data.length; offset += step, step = step * 3 + 1) {
            int length = Math.min(step, data.length - offset);
            ours.update(data, offset, length);
            theirs.update(data, offset, length);
        }
        ours.update((byte) 42);
        theirs.update((byte) 42);
        assertArrayEquals(theirs.digest(), ours.digest());
    }

    @Test
    void startsAgainAfterEachDigest() throws Exception {
        MessageDigest ours = openssl();
        ours.update("first".getBytes());
        ours.digest();
        assertArrayEquals(jdk().digest("abc".getBytes()), ours.digest("abc".getBytes()));
        assertArrayEquals(jdk().digest(new byte[0]), ours.digest());
    }

    @Test
    void aCloneGoesOnFromTheSameState() throws Exception {
        MessageDigest ours = openssl();
        ours.update("shared prefix, ".getBytes());
        MessageDigest copy = (MessageDigest) ours.clone();
        ours.update("one ending".getBytes());
        copy.update("another ending".getBytes());
        assertArrayEquals(jdk().digest("shared prefix, one ending".getBytes()), ours.digest());
        assertArrayEquals(jdk().digest("shared prefix, another ending".getBytes()),
                copy.digest());
    }

    @Test
    void theStoreHashesWithOpenSslWhenTheMachineHasIt() {
        openssl();
        assertEquals(NativeSha256.class, Digest.sha256().getClass());
    }
}
