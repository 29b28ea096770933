package io.berth.oci;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command line's verbs, for both of Berth's command lines (berth and berth oci): picocli
 * builds a command's whole model by reflection when it is registered, so only the verb being
 * called is, and it is found here before picocli parses anything.
 */
public final class Verbs {
    private Verbs() {
    }

    /** {@code name, class, name, class, ...} as an ordered map. */
    public static Map<String, Class<?>> of(Object... namesAndClasses) {
        Map<String, Class<?>> verbs = new LinkedHashMap<>();
        for (int i = 0; i < namesAndClasses.length; i += 2) {
            verbs.put((String) namesAndClasses[i], (Class<?>) namesAndClasses[i + 1]);
        }
        return Collections.unmodifiableMap(verbs);
    }

    /**
     * The verb of a command line when it is one of {@code verbs}: the first word that is
     * neither a global option of {@code root} nor an option's value. Null for help, version, no
     * verb, or a word that is no verb, which all need every verb registered.
     */
    public static String find(CommandSpec root, Map<String, ?> verbs, String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-")) {
                return verbs.containsKey(arg) ? arg : null;
            }
            if (arg.equals("--")) {
                return null;
            }
            OptionSpec option = arg.contains("=") ? null : root.findOption(arg);
            if (option == null) {
                continue;
            }
            if (option.usageHelp() || option.versionHelp()) {
                return null;
            }
            if (option.arity().max() > 0) {
                i++; // its value, which may look like a verb
            }
        }
        return null;
    }
}
