package io.berth.runtime;

import io.berth.sys.Errno;

/**
 * The shim's plan format: one record per line, fields separated by tabs (native/plan.c reads
 * it without a parser library). A backslash, tab or newline inside a value is written as
 * {@code \\}, {@code \t} or {@code \n}, so a multi-line `sh -c` script or a certificate in an
 * environment variable passes unchanged. Only NUL cannot be expressed: execve takes C strings,
 * so such a value is refused here with the name of the field it came from.
 */
final class PlanText {
    private final StringBuilder text = new StringBuilder();

    /** Appends a record; {@code what} names the config.json field for the error message. */
    PlanText add(String what, Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            String value = String.valueOf(fields[i]);
            if (value.indexOf(0) >= 0) {
                throw new ContainerStartException("config.json: " + what
                        + " holds a NUL character, which no process can be given: "
                        + value.replace("\0", "\\0"), Errno.EINVAL);
            }
            if (i > 0) {
                text.append('\t');
            }
            escape(value);
        }
        text.append('\n');
        return this;
    }

    private void escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                default -> text.append(c);
            }
        }
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
