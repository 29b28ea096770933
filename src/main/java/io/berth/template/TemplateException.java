package io.berth.template;

/**
 * A template failed to parse or to execute. The message is phrased as Go's text/template phrases
 * it (for example {@code template: :1: unexpected "}" in operand}), because docker users see and
 * search for exactly those words.
 */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a complete, Go-phrased message. */
    public TemplateException(String message) {
        super(message);
    }
}
