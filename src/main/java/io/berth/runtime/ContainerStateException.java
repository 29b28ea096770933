package io.berth.runtime;

/**
 * The operation does not fit the container's state: an id already in use, a start of a
 * container that is not created, a delete of a running one without force. Front ends map it
 * to a conflict (HTTP 409).
 */
public final class ContainerStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContainerStateException(String message) {
        super(message);
    }
}
