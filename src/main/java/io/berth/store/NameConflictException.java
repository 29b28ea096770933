package io.berth.store;

/** A container name (or another unique value) already belongs to another container. */
public final class NameConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NameConflictException(String message) {
        super(message);
    }
}
