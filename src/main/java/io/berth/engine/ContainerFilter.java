package io.berth.engine;

import io.berth.convert.Binds;
import io.berth.convert.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * docker's container filters (`ps --filter` and the API's {@code filters}): each key given
 * must hold, and within a key any of its values. Keys: id (prefix), name (part of it), status,
 * label (key or key=value), ancestor (the image as created), exited (exit code), volume (a
 * volume's name or any mount's destination).
 */
public final class ContainerFilter {
    private static final Set<String> KEYS = Set.of("id", "name", "status", "label", "ancestor",
            "exited", "volume");
    /** docker's other keys: valid there, not applied here yet, so refused rather than ignored. */
    private static final Set<String> NOT_YET = Set.of("before", "since", "network",
            "health", "publish", "expose", "is-task", "isolation");
    private static final Set<String> STATUSES = Set.of("created", "restarting", "running",
            "removing", "paused", "exited", "dead");

    private final Map<String, List<String>> values;

    private ContainerFilter(Map<String, List<String>> values) {
        this.values = values;
    }

    /** From name to values; unknown names and statuses are refused as docker refuses them. */
    public static ContainerFilter of(Map<String, List<String>> values) {
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            if (NOT_YET.contains(e.getKey())) {
                throw new InvalidRequestException("filter '" + e.getKey()
                        + "' is not supported yet");
            }
            if (!KEYS.contains(e.getKey())) {
                throw new InvalidRequestException("invalid filter '" + e.getKey() + "'");
            }
            if (e.getKey().equals("exited")) {
                e.getValue().stream().filter(v -> !v.matches("-?[0-9]+")).findFirst()
                        .ifPresent(v -> {
                            throw new InvalidRequestException("invalid filter 'exited=" + v
                                    + "'");
                        });
            }
            if (e.getKey().equals("name")) {
                e.getValue().forEach(ContainerFilter::namePattern);
            }
            if (e.getKey().equals("status")) {
                e.getValue().stream().filter(s -> !STATUSES.contains(s)).findFirst()
                        .ifPresent(s -> {
                            throw new InvalidRequestException("invalid filter 'status=" + s
                                    + "'");
                        });
            }
        }
        return new ContainerFilter(Map.copyOf(values));
    }

    /** The CLI's key=value filter words as a filter's values by key (images' too). */
    static Map<String, List<String>> words(List<String> words) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new InvalidRequestException("bad format of filter (expected name=value)");
            }
            values.computeIfAbsent(word.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(word.substring(eq + 1));
        }
        return values;
    }

    /** From the CLI's key=value words. */
    public static ContainerFilter ofWords(List<String> words) {
        return of(words(words));
    }

    /** Whether a status filter was given: docker then lists stopped containers too. */
    public boolean asksForStatus() {
        return values.containsKey("status") || values.containsKey("exited");
    }

    public boolean matches(Container c) {
        return any(values, "id", c.id()::startsWith)
                && any(values, "name", n -> namePattern(n).matcher(c.name()).find())
                && any(values, "status", c.status()::equals)
                && any(values, "ancestor", a -> sameImage(c.request().image(), a))
                && any(values, "exited", code -> !c.running() && "exited".equals(c.status())
                        && code.equals(Integer.toString(c.exitCode())))
                && all(values, "label", wanted -> labelHolds(c.request().labels(), wanted))
                && any(values, "volume", v -> mountsOf(c).contains(v));
    }

    /** What a volume filter is matched against, as dockerd does: each mount's name and place. */
    private static List<String> mountsOf(Container c) {
        List<String> out = new ArrayList<>();
        for (Binds.Bind b : Binds.parse(c.request())) {
            out.add(b.destination());
            if (b.volume() != null) {
                out.add(b.volume());
            }
        }
        out.addAll(Binds.volumes(c.request()));
        out.addAll(Volumes.anonymousOf(c.record()));
        return out;
    }

    /** Whether key is not given, or any of its values passes (dockerd's rule within a key). */
    static boolean any(Map<String, List<String>> values, String key, Predicate<String> test) {
        List<String> wanted = values.get(key);
        return wanted == null || wanted.stream().anyMatch(test);
    }

    /** Whether key is not given, or every one of its values passes (label, label!). */
    static boolean all(Map<String, List<String>> values, String key, Predicate<String> test) {
        List<String> wanted = values.get(key);
        return wanted == null || wanted.stream().allMatch(test);
    }

    /** docker matches a name filter as a regular expression, against the name without "/". */
    private static java.util.regex.Pattern namePattern(String value) {
        String v = value.startsWith("/") ? value.substring(1) : value;
        try {
            return java.util.regex.Pattern.compile(v.startsWith("^/") ? "^" + v.substring(2) : v);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new InvalidRequestException("invalid filter 'name=" + value + "': "
                    + e.getDescription());
        }
    }

    /** busybox and busybox:latest name one image. */
    private static boolean sameImage(String created, String asked) {
        return withTag(created).equals(withTag(asked));
    }

    private static String withTag(String ref) {
        int slash = ref.lastIndexOf('/');
        return ref.indexOf(':', slash + 1) < 0 && !ref.contains("@") ? ref + ":latest" : ref;
    }

    static boolean labelHolds(Map<String, String> labels, String wanted) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        int eq = wanted.indexOf('=');
        String key = eq < 0 ? wanted : wanted.substring(0, eq);
        return have.containsKey(key) && (eq < 0 || wanted.substring(eq + 1).equals(have.get(key)));
    }
}
