package io.berth.network;

/**
 * The request conflicts with what exists: a name taken, a subnet overlapping another, a network
 * still in use, a host port or an address already allocated. Docker's 409.
 */
public final class NetworkConflictException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public NetworkConflictException(String message) {
        super(message);
    }
}
