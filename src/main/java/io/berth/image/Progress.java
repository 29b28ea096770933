package io.berth.image;

/**
 * What a pull, push or load tells as it goes; the front end decides how to show it (bars on a
 * terminal, a line per step in a pipe, nothing with {@code -q}). Called from several threads at
 * once when layers move in parallel. Layers are named by the first 12 hex digits of their digest,
 * as docker names them.
 */
public interface Progress {
    /** Shows nothing. */
    Progress QUIET = new Progress() {
    };

    /** A line about the whole operation, e.g. {@code latest: Pulling from library/busybox}. */
    default void message(String line) {
    }

    /**
     * A layer's state changed: {@code Pulling fs layer}, {@code Already exists}, {@code
     * Downloading}, {@code Pull complete}, {@code Preparing}, {@code Pushing}, {@code Pushed},
     * {@code Layer already exists}.
     */
    default void status(String layer, String status) {
    }

    /** {@code done} of {@code total} bytes of a layer have moved. */
    default void bytes(String layer, long done, long total) {
    }
}
