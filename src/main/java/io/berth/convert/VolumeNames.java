package io.berth.convert;

import java.util.regex.Pattern;

/** docker's rule for a local volume's name, shared by {@code volume create} and {@code -v}. */
public final class VolumeNames {
    private static final String CHARS = "[a-zA-Z0-9][a-zA-Z0-9_.-]";
    private static final Pattern NAME = Pattern.compile(CHARS + "+");

    private VolumeNames() {
    }

    /** The name, or an InvalidRequestException in dockerd's words (local driver's check). */
    public static String check(String name) {
        if (name.length() == 1) {
            throw new InvalidRequestException("create " + name + ": volume name is too short,"
                    + " names should be at least two alphanumeric characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidRequestException("create " + name + ": \"" + name + "\" includes"
                    + " invalid characters for a local volume name, only \"" + CHARS + "\" are"
                    + " allowed. If you intended to pass a host directory, use absolute path");
        }
        return name;
    }
}
