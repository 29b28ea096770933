package io.berth.engine;

import io.berth.convert.InvalidRequestException;
import io.berth.image.Image;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * docker's image filters (`images --filter` and the API's {@code filters}): each key given must
 * hold. dangling (true: untagged images only, false: tagged only), label (key or key=value;
 * every one), before and since (created before or after a named image; every one), reference
 * (a glob on the name or name:tag, as docker's path.Match; any one). With reference, only the
 * matching tags of an image are shown, and untagged images not at all.
 */
public final class ImageFilter {
    private static final Set<String> KEYS = Set.of("dangling", "label", "before", "since",
            "reference");

    private final Map<String, List<String>> values;
    private final Boolean dangling;
    private final List<Pattern> references;
    private final List<Instant> before;
    private final List<Instant> since;

    private ImageFilter(Map<String, List<String>> values, Function<String, Optional<Image>> find) {
        this.values = values;
        this.dangling = dangling(values.get("dangling"));
        this.references = values.getOrDefault("reference", List.of()).stream()
                .map(ImageFilter::glob).toList();
        this.before = created(values.get("before"), find);
        this.since = created(values.get("since"), find);
    }

    /**
     * From name to values, {@code find} naming the images of before and since. Unknown names
     * and values are refused as docker refuses them; an unknown image is not found.
     */
    public static ImageFilter of(Map<String, List<String>> values,
            Function<String, Optional<Image>> find) {
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidRequestException("invalid filter '" + key + "'");
            }
        }
        return new ImageFilter(Map.copyOf(values), find);
    }

    /** From the CLI's key=value words. */
    public static ImageFilter ofWords(List<String> words, Function<String, Optional<Image>> find) {
        return of(ContainerFilter.words(words), find);
    }

    /**
     * The tags under which {@code image} is listed, in familiar form; an empty list for an
     * untagged image that is listed; null when the image is not listed at all.
     */
    public List<String> listedTags(Image image) {
        if (!imageMatches(image)) {
            return null;
        }
        List<String> tags = references.isEmpty() ? image.repoTags()
                : image.repoTags().stream().filter(this::referenceMatches).toList();
        if (tags.isEmpty() && (!references.isEmpty() || Boolean.FALSE.equals(dangling))) {
            return null;
        }
        if (!tags.isEmpty() && Boolean.TRUE.equals(dangling)) {
            return null;
        }
        return tags;
    }

    private boolean imageMatches(Image image) {
        Instant created = image.created();
        return before.stream().allMatch(created::isBefore)
                && since.stream().allMatch(created::isAfter)
                && values.getOrDefault("label", List.of()).stream()
                        .allMatch(wanted -> labelHolds(image.config().labels(), wanted));
    }

    /** docker matches the familiar name:tag, or failing that the name alone. */
    private boolean referenceMatches(String tag) {
        int colon = tag.lastIndexOf(':');
        String name = colon > tag.lastIndexOf('/') ? tag.substring(0, colon) : tag;
        return references.stream().anyMatch(p -> p.matcher(tag).matches()
                || p.matcher(name).matches());
    }

    private static Boolean dangling(List<String> wanted) {
        if (wanted == null || wanted.isEmpty()) {
            return null;
        }
        String value = wanted.getLast().toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new InvalidRequestException("invalid filter 'dangling="
                    + wanted.getLast() + "'");
        };
    }

    private static List<Instant> created(List<String> names,
            Function<String, Optional<Image>> find) {
        if (names == null) {
            return List.of();
        }
        return names.stream().map(name -> find.apply(name).orElseThrow(() ->
                new NotFoundException("No such image: " + name)).created()).toList();
    }

    private static boolean labelHolds(Map<String, String> labels, String wanted) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        int eq = wanted.indexOf('=');
        String key = eq < 0 ? wanted : wanted.substring(0, eq);
        return have.containsKey(key) && (eq < 0 || wanted.substring(eq + 1).equals(have.get(key)));
    }

    /**
     * Go's path.Match as a regular expression: {@code *} and {@code ?} stop at "/", classes
     * are {@code [...]} with {@code ^} for not, a backslash escapes. By hand: the JDK's glob
     * has other classes and braces, and no library here speaks Go's dialect.
     */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '\\' -> {
                    if (++i == pattern.length()) {
                        throw badPattern(pattern);
                    }
                    regex.append(Pattern.quote(String.valueOf(pattern.charAt(i))));
                }
                case '[' -> i = characterClass(pattern, i, regex);
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Appends the class that opens at {@code open}; returns the index of its "]". */
    private static int characterClass(String pattern, int open, StringBuilder regex) {
        int i = open + 1;
        regex.append('[');
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            regex.append('^');
            i++;
        }
        int first = i;
        for (; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == ']') {
                if (i == first) {
                    throw badPattern(pattern); // Go: an empty class
                }
                regex.append(']');
                return i;
            }
            if (c == '\\' && i + 1 < pattern.length()) {
                c = pattern.charAt(++i);
            }
            if (c == '-' && i > first && i + 1 < pattern.length()
                    && pattern.charAt(i + 1) != ']') {
                regex.append('-');
            } else if (Character.isLetterOrDigit(c)) {
                regex.append(c);
            } else {
                regex.append('\\').append(c);
            }
        }
        throw badPattern(pattern);
    }

    private static InvalidRequestException badPattern(String pattern) {
        return new InvalidRequestException("invalid filter 'reference=" + pattern
                + "': syntax error in pattern");
    }
}
