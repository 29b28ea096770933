package io.berth.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker API version as it appears in paths ({@code /v1.44/containers/json}). Berth speaks
 * 1.44 (the version Testcontainers asks for first) and accepts every version down to 1.24, the
 * CLI's fallback when a ping carries no version header.
 */
record ApiVersion(int major, int minor, boolean explicit) implements Comparable<ApiVersion> {
    static final ApiVersion MAX = new ApiVersion(1, 44, false);
    static final ApiVersion MIN = new ApiVersion(1, 24, false);
    private static final Pattern PREFIX = Pattern.compile("^/v(\\d+)\\.(\\d+)(/.*)$");

    /** The version a path names, or the newest when it names none. */
    static ApiVersion ofPath(String path) {
        Matcher m = PREFIX.matcher(path);
        if (!m.matches()) {
            return MAX;
        }
        try {
            return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    true);
        } catch (NumberFormatException e) {
            return MAX;
        }
    }

    boolean atLeast(int otherMajor, int otherMinor) {
        return major > otherMajor || major == otherMajor && minor >= otherMinor;
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
