package io.berth.template;

import io.berth.template.Node.ListNode;
import java.util.List;
import java.util.Map;

/**
 * A Go text/template, as docker's {@code --format} takes it: Go's language, Go's builtins, and
 * docker's functions (json, split, join, title, lower, upper, pad, truncate).
 *
 * <p>Written by hand: no Go-template library for Java is available here, and docker users
 * expect Go's exact output and error words. Data is a tree of {@code Map<String, Object>},
 * {@code List}, {@code String}, numbers, {@code Boolean} and {@code null}, or a Jackson
 * {@code JsonNode}; {@code .Name} looks up the key "Name". A missing key prints
 * {@code <no value>}, as in docker.
 */
public final class Template {
    /**
     * A value that a template can call with arguments, for docker's methods such as
     * {@code {{.Label "com.example"}}} on ps rows: put one in a row map under the method's name.
     */
    @FunctionalInterface
    public interface Method {
        /** Calls the method with the template's arguments, already evaluated. */
        Object call(List<Object> args);

        /**
         * body as a Go method of count string parameters: a call with another number of
         * arguments fails as Go's does ({@code wrong number of args for Label: want 1 got 0}).
         */
        static Method taking(int count, Method body) {
            return new Fixed(count, body);
        }
    }

    /** A {@link Method} with a fixed number of string parameters. */
    record Fixed(int count, Method body) implements Method {
        @Override
        public Object call(List<Object> args) {
            return body.call(args);
        }
    }

    private final String text;
    private final ListNode root;
    private final Map<String, ListNode> defined;
    private final boolean missingKeyError;
    private final String structType;

    private Template(String text, ListNode root, Map<String, ListNode> defined,
            boolean missingKeyError, String structType) {
        this.text = text;
        this.root = root;
        this.defined = defined;
        this.missingKeyError = missingKeyError;
        this.structType = structType;
    }

    /**
     * Parses a template. A syntax error is a TemplateException with Go's message, e.g.
     * {@code template: :1: unexpected "}" in operand}.
     */
    public static Template parse(String text) {
        Parser.Parsed parsed = Parser.parse(text);
        return new Template(text, parsed.root(), Map.copyOf(parsed.defined()), false, null);
    }

    /**
     * The same template with Go's {@code missingkey=error} option: a missing map key fails
     * with {@code map has no entry for key "X"}, as docker's inspect does when it falls back to
     * running the template on raw JSON.
     */
    public Template missingKeyError() {
        return new Template(text, root, defined, true, null);
    }

    /**
     * The same template run as Go runs it on docker's typed values: every map in the data is a
     * Go struct, so a field it lacks fails with {@code can't evaluate field X in type T} (T is
     * typeName for the data itself), except in a {@link GoMap}, which is a Go map and answers
     * a missing key with {@code <no value>}.
     */
    public Template structs(String typeName) {
        return new Template(text, root, defined, missingKeyError, typeName);
    }

    /**
     * Executes the template on data and returns the output.
     *
     * @throws TemplateException on an execution error, phrased as Go phrases it, e.g.
     *     {@code template: :1:7: executing "" at <.Name.X>: can't evaluate field X in type string}
     */
    public String execute(Object data) {
        StringBuilder out = new StringBuilder();
        new Exec(text, defined, missingKeyError, structType, out).run(root, Values.normalize(data));
        return out.toString();
    }

    /**
     * Runs the template as docker renders a table header: docker's functions return their
     * first argument unchanged, and an error ends the output where it happened, silently.
     */
    String executeHeader(Map<String, ?> headers) {
        StringBuilder out = new StringBuilder();
        try {
            new Exec(text, defined, false, null, out).header().run(root, headers);
        } catch (TemplateException e) {
            // docker ignores a header's execution error and prints what was written so far.
        }
        return out.toString();
    }
}
