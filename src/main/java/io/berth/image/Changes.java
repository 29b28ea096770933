package io.berth.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Dockerfile lines given to {@code import --change}, applied to the "config" object of an image
 * config. Docker allows CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME and
 * WORKDIR there; the parsing of quoted key=value words is written here by hand, as no library at
 * hand reads Dockerfile syntax.
 */
final class Changes {
    private Changes() {
    }

    /** Applies each line in order; a bad line fails before anything is changed elsewhere. */
    static void apply(ObjectNode config, List<String> lines) {
        for (String line : lines) {
            applyOne(config, line.strip());
        }
    }

    private static void applyOne(ObjectNode config, String line) {
        int space = firstSpace(line);
        String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space).strip();
        switch (keyword) {
            case "CMD" -> config.set("Cmd", command(rest, line));
            case "ENTRYPOINT" -> config.set("Entrypoint", command(rest, line));
            case "ENV" -> env(config, pairs(rest, line, true));
            case "LABEL" -> label(config, pairs(rest, line, false));
            case "EXPOSE" -> expose(config, rest);
            case "VOLUME" -> volume(config, rest, line);
            case "USER" -> config.put("User", required(rest, line));
            case "WORKDIR" -> config.put("WorkingDir", workdir(config, required(rest, line)));
            case "STOPSIGNAL" -> config.put("StopSignal", required(rest, line));
            case "ONBUILD" -> array(config, "OnBuild").add(required(rest, line));
            default -> throw new IllegalArgumentException("the change \"" + line + "\" is not"
                    + " one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER,"
                    + " VOLUME, WORKDIR.");
        }
    }

    private static int firstSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String required(String rest, String line) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("the change \"" + line + "\" has no argument.");
        }
        return rest;
    }

    /** Exec form (a JSON array) as is; anything else is shell form, run by /bin/sh -c. */
    private static ArrayNode command(String rest, String line) {
        ArrayNode exec = jsonStrings(rest);
        if (exec != null) {
            return exec;
        }
        ArrayNode shell = SpecJson.mapper().createArrayNode();
        return shell.add("/bin/sh").add("-c").add(required(rest, line));
    }

    private static ArrayNode jsonStrings(String rest) {
        if (!rest.startsWith("[")) {
            return null;
        }
        try {
            JsonNode node = SpecJson.mapper().readTree(rest);
            if (node instanceof ArrayNode array) {
                for (JsonNode item : array) {
                    if (!item.isTextual()) {
                        return null;
                    }
                }
                return array;
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void env(ObjectNode config, List<String[]> pairs) {
        ArrayNode env = array(config, "Env");
        for (String[] pair : pairs) {
            for (int i = env.size() - 1; i >= 0; i--) {
                if (env.get(i).asText().startsWith(pair[0] + "=")) {
                    env.remove(i);
                }
            }
            env.add(pair[0] + "=" + pair[1]);
        }
    }

    private static void label(ObjectNode config, List<String[]> pairs) {
        ObjectNode labels = object(config, "Labels");
        for (String[] pair : pairs) {
            labels.put(pair[0], pair[1]);
        }
    }

    private static void expose(ObjectNode config, String rest) {
        ObjectNode ports = object(config, "ExposedPorts");
        for (String port : rest.split("\\s+")) {
            if (!port.matches("\\d+(-\\d+)?(/(tcp|udp|sctp))?")) {
                throw new IllegalArgumentException("the change \"EXPOSE " + rest
                        + "\" has an invalid port \"" + port + "\".");
            }
            ports.putObject(port.contains("/") ? port : port + "/tcp");
        }
    }

    private static void volume(ObjectNode config, String rest, String line) {
        ArrayNode json = jsonStrings(rest);
        List<String> paths = new ArrayList<>();
        if (json != null) {
            json.forEach(p -> paths.add(p.asText()));
        } else {
            paths.addAll(List.of(required(rest, line).split("\\s+")));
        }
        ObjectNode volumes = object(config, "Volumes");
        paths.forEach(volumes::putObject);
    }

    private static String workdir(ObjectNode config, String dir) {
        if (dir.startsWith("/")) {
            return dir;
        }
        String base = config.path("WorkingDir").asText("");
        return (base.isEmpty() ? "" : base.replaceAll("/+$", "")) + "/" + dir;
    }

    private static ArrayNode array(ObjectNode config, String field) {
        return config.get(field) instanceof ArrayNode a ? a : config.putArray(field);
    }

    private static ObjectNode object(ObjectNode config, String field) {
        return config.get(field) instanceof ObjectNode o ? o : config.putObject(field);
    }

    /**
     * {@code K=V K2="v 2"} words, with double or single quotes and backslash escapes; ENV
     * alone also takes the old form {@code ENV KEY some value}.
     */
    static List<String[]> pairs(String rest, String line, boolean legacyForm) {
        List<String> words = words(required(rest, line), line);
        if (legacyForm && !words.getFirst().contains("=")) {
            int space = firstSpace(rest);
            return List.<String[]>of(new String[] {rest.substring(0, space < 0 ? rest.length()
                    : space), space < 0 ? "" : rest.substring(space).strip()});
        }
        List<String[]> pairs = new ArrayList<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("the change \"" + line
                        + "\" has a word \"" + word + "\" that is not KEY=value.");
            }
            pairs.add(new String[] {word.substring(0, eq), word.substring(eq + 1)});
        }
        return pairs;
    }

    private static List<String> words(String s, String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '\'' && i + 1 < s.length()) {
                word.append(s.charAt(++i));
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("the change \"" + line + "\" has an unclosed "
                    + quote + " quote.");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
