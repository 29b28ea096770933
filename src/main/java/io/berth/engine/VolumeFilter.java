package io.berth.engine;

import static io.berth.engine.ContainerFilter.all;
import static io.berth.engine.ContainerFilter.any;
import static io.berth.engine.ContainerFilter.labelHolds;

import io.berth.convert.InvalidRequestException;
import io.berth.volumes.Volume;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * docker's volume filters ({@code volume ls --filter}, {@code volume prune --filter} and the
 * API's {@code filters}): each key given must hold, and within a key any of its values, except
 * labels, which must all hold. Keys: name (a regular expression found in the name), label (key
 * or key=value), label! (neither), dangling (no container has it: true/1 or false/0), driver.
 */
public final class VolumeFilter {
    private static final Set<String> KEYS = Set.of("name", "label", "label!", "dangling",
            "driver");
    private static final Set<String> BOOLEANS = Set.of("true", "1", "false", "0");

    private final Map<String, List<String>> values;

    private VolumeFilter(Map<String, List<String>> values) {
        this.values = values;
    }

    /** From name to values; unknown names and values are refused as dockerd refuses them. */
    public static VolumeFilter of(Map<String, List<String>> values) {
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new InvalidRequestException("invalid filter '" + e.getKey() + "'");
            }
            for (String v : e.getValue()) {
                if (e.getKey().equals("dangling") && !BOOLEANS.contains(v)) {
                    throw new InvalidRequestException("invalid filter 'dangling=" + v + "'");
                }
                if (e.getKey().equals("name")) {
                    namePattern(v);
                }
            }
        }
        return new VolumeFilter(Map.copyOf(values));
    }

    /** A prune's filter: labels only (label, label!), as dockerd's prune takes them. */
    public static VolumeFilter forPrune(Map<String, List<String>> values) {
        values.keySet().stream().filter(k -> !k.equals("label") && !k.equals("label!"))
                .findFirst().ifPresent(k -> {
                    throw new InvalidRequestException("invalid filter '" + k + "'");
                });
        return of(values);
    }

    /** The CLI's key=value words as values by key. */
    public static Map<String, List<String>> words(List<String> words) {
        return ContainerFilter.words(words);
    }

    /** From the CLI's key=value words. */
    public static VolumeFilter ofWords(List<String> words) {
        return of(words(words));
    }

    /** A filter that keeps every volume. */
    public static VolumeFilter none() {
        return new VolumeFilter(Map.of());
    }

    /** Whether the volume passes; dangling says that no container has it. */
    public boolean matches(Volume v, boolean dangling) {
        return any(values, "name", n -> namePattern(n).matcher(v.name()).find())
                && any(values, "dangling", d -> (d.equals("true") || d.equals("1")) == dangling)
                && any(values, "driver", "local"::equals)
                && all(values, "label", wanted -> labelHolds(v.labels(), wanted))
                && all(values, "label!", unwanted -> !labelHolds(v.labels(), unwanted));
    }

    private static Pattern namePattern(String value) {
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new InvalidRequestException("invalid filter 'name=" + value + "': "
                    + e.getDescription());
        }
    }
}
