package io.berth.convert;

/** A request that cannot be turned into a container: the message says what is wrong. */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
