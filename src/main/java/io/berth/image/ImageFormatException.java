package io.berth.image;

/**
 * An image input (archive, layout, layer, rootfs tar) that is damaged or not an image at all. The
 * message is one sentence naming the input and what is wrong with it; nothing was stored.
 */
public final class ImageFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the input and what is wrong with it */
    public ImageFormatException(String message) {
        super(message);
    }

    /** @param message one sentence naming the input and what is wrong with it */
    public ImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The cause's own words, fit to end a sentence of ours: no trailing period, never null. */
    static String reason(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        return message.strip().replaceAll("[.]+$", "");
    }
}
