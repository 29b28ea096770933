package io.berth.image.registry;

/**
 * A registry answered with an error, or could not be reached. The message names the operation,
 * the registry object and the registry's own words, e.g. {@code GET manifest
 * 127.0.0.1:5000/x:nope: manifest unknown}.
 */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** @param status the HTTP status, or 0 when no answer came */
    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** @param status the HTTP status, or 0 when no answer came */
    public RegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status of the answer, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** True for a 404: no such repository, manifest or blob. */
    public boolean notFound() {
        return status == 404;
    }

    /** True for 401 and 403: credentials missing, wrong or not enough. */
    public boolean unauthorized() {
        return status == 401 || status == 403;
    }
}
