package io.berth.runtime;

/** The runtime has no container of that id under its state root. */
public final class NoSuchContainerException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String id;

    public NoSuchContainerException(String id) {
        super("no such container: " + id);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
