package io.berth.engine;

/** The request conflicts with the state of a container (running, name taken): docker's 409. */
public final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}
