package io.berth.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Container ids (64 hex digits) and names (given, or made up as adjective_surname). */
public final class Names {
    /** Docker's rule for names given with --name. */
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    private static final Path URANDOM = Path.of("/dev/urandom");

    private static final List<String> ADJECTIVES = List.of("admiring", "amazing", "bold",
            "brave", "busy", "calm", "clever", "cool", "dazzling", "eager", "elated", "epic",
            "fervent", "focused", "gallant", "gifted", "happy", "hopeful", "jolly", "keen",
            "kind", "lucid", "modest", "nifty", "noble", "optimistic", "patient", "quirky",
            "relaxed", "serene", "sharp", "stoic", "sweet", "tender", "upbeat", "vibrant",
            "wizardly", "youthful", "zealous", "zen");
    private static final List<String> SURNAMES = List.of("babbage", "bohr", "curie",
            "dijkstra", "einstein", "euler", "fermat", "feynman", "gauss", "goodall", "hamilton",
            "hopper", "hypatia", "johnson", "kepler", "knuth", "lamarr", "lovelace", "meitner",
            "mirzakhani", "newton", "noether", "pascal", "ritchie", "shannon", "thompson",
            "torvalds", "turing", "wozniak", "yalow");

    private Names() {
    }

    /** A new random container id. */
    public static String newId() {
        // Read from the kernel directly: setting up SecureRandom's providers cost about 20 ms
        // of every `berth run`, and on Linux its default reads this same device.
        byte[] bytes = new byte[32];
        try (InputStream in = Files.newInputStream(URANDOM)) {
            if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) {
                throw new IOException("short read");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read " + URANDOM, e);
        }
        return HexFormat.of().formatHex(bytes);
    }

    /** A made-up name; the store's UNIQUE constraint decides whether it is free. */
    public static String randomName() {
        // Names need no secrecy (docker draws them from math/rand too).
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + "_"
                + SURNAMES.get(random.nextInt(SURNAMES.size()));
    }

    /** Accepts docker's names, with or without the leading slash docker shows. */
    public static String validate(String name) {
        String bare = name.startsWith("/") ? name.substring(1) : name;
        if (!VALID.matcher(bare).matches()) {
            throw new io.berth.convert.InvalidRequestException("Invalid container name (" + name
                    + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        return bare;
    }

    /** Whether a string could be (a prefix of) an id. */
    public static boolean isHex(String s) {
        return !s.isEmpty() && s.length() <= 64 && HEX.matcher(s).matches();
    }
}
