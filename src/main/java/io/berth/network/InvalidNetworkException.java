package io.berth.network;

/** Bad input: a malformed subnet, a gateway outside it, a -p value docker would refuse. 400. */
public final class InvalidNetworkException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public InvalidNetworkException(String message) {
        super(message);
    }
}
