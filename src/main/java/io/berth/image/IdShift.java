package io.berth.image;

/**
 * The id range a user-namespaced container runs in: container uid and gid 0 is host id
 * {@code hostId}, and {@code size} ids follow it.
 */
public record IdShift(long hostId, long size) {

    public IdShift {
        if (hostId < 0 || size <= 0) {
            throw new IllegalArgumentException(
                    "id shift needs hostId >= 0 and size > 0, not " + hostId + "/" + size);
        }
    }

    /** The host id of container id {@code id}; ids beyond the range stay as they are. */
    public long shift(long id) {
        return id < size ? id + hostId : id;
    }
}
