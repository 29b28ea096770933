package io.berth.runtime;

import io.berth.sys.Errno;
import java.util.ArrayList;
import java.util.List;

/**
 * The shim's plan format: one record per line, fields separated by tabs (native/plan.c reads
 * it without a parser library). A value holding a tab or newline cannot be expressed, so it is
 * refused here with the name of the field it came from.
 */
final class PlanText {
    private final StringBuilder text = new StringBuilder();

    /** Appends a record; {@code what} names the config.json field for the error message. */
    PlanText add(String what, Object... fields) {
        List<String> values = new ArrayList<>(fields.length);
        for (Object f : fields) {
            String value = String.valueOf(f);
            if (value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf(0) >= 0) {
                throw new ContainerStartException("config.json: " + what
                        + " holds a tab, newline or NUL, which berth cannot pass on: "
                        + value.replace("\n", "\\n").replace("\t", "\\t"), Errno.EINVAL);
            }
            values.add(value);
        }
        text.append(String.join("\t", values)).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
