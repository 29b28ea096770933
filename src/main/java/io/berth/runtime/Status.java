package io.berth.runtime;

/** The OCI runtime states of a container. */
public enum Status {
    /** The process exists and waits for start. */
    CREATED,
    /** The process runs the user's program. */
    RUNNING,
    /** Every process of the container is frozen. */
    PAUSED,
    /** The process has exited. */
    STOPPED;

    /** The lower-case name the OCI state document uses. */
    public String ociName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
