package io.berth.network;

/**
 * A network operation that failed; the message names the operation and the object, e.g.
 * "cni bridge ADD for container 3f2a... on network web: failed to allocate ...". Front ends map
 * the subclasses: {@link NetworkNotFoundException} to 404, {@link NetworkConflictException} to
 * 409, {@link InvalidNetworkException} to 400, and this class itself to 500.
 */
public class NetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetworkException(String message) {
        super(message);
    }

    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
