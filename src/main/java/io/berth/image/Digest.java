package io.berth.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 content digests as the image specs write them: {@code sha256:} and 64 hex digits. */
final class Digest {
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Digest() {
    }

    static boolean isSha256(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    static boolean isHex(String hex) {
        return hex != null && HEX.matcher(hex).matches();
    }

    /** The hex part of a sha256 digest; rejects anything else, since it becomes a file name. */
    static String hex(String digest) {
        if (!isSha256(digest)) {
            throw new ImageFormatException("\"" + digest + "\" is not a sha256 digest.");
        }
        return digest.substring(7);
    }

    /** OpenSSL's SHA-256 where the machine has it (see {@link NativeSha256}), else the JDK's. */
    static MessageDigest sha256() {
        java.util.Optional<MessageDigest> fast = NativeSha256.create();
        if (fast.isPresent()) {
            return fast.get();
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static String of(MessageDigest digest) {
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    static String of(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(content));
    }
}
