package io.berth.network;

/** No network has that name, id or id prefix: docker's 404. */
public final class NetworkNotFoundException extends NetworkException {
    private static final long serialVersionUID = 1L;

    public NetworkNotFoundException(String nameOrId) {
        super("network " + nameOrId + " not found");
    }
}
