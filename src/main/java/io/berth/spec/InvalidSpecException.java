package io.berth.spec;

/** A config.json or image document that is malformed; the message names the field. */
public final class InvalidSpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidSpecException(String message) {
        super(message);
    }
}
