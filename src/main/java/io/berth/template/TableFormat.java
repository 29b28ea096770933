package io.berth.template;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * docker's formatter for list commands (ps, images, ...). A format starting with "table" prints
 * a header row and aligns columns as docker's tabwriter does; "json" prints one JSON object per
 * row; anything else is a template run once per row, each followed by a newline. As in docker,
 * the two characters {@code \t} and {@code \n} in the format stand for a tab and a newline.
 */
public final class TableFormat {
    private static final String EXECUTE_ERROR = "failed to execute template: ";

    private static final String TABLE = "table";
    private static final String JSON = "json";

    private final String format;
    private final Map<String, ?> headers;
    private final Template template;
    private final String executeError;

    /**
     * A row as docker's formatter sees it: a Go map when marshalled, so its JSON has sorted keys
     * and is escaped for HTML.
     */
    static final class Row extends TreeMap<String, Object> {
        private static final long serialVersionUID = 1L;

        Row(Map<?, ?> fields) {
            for (Map.Entry<?, ?> e : fields.entrySet()) {
                put(String.valueOf(e.getKey()), e.getValue());
            }
        }
    }

    /**
     * Aligns tab-separated lines as docker's tabwriter does, with cells at least
     * {@code minWidth} wide (docker top's table, which takes no format).
     */
    public static String align(String text, int minWidth) {
        return TabWriter.align(text, minWidth);
    }

    /**
     * Parses the format now, so a syntax error surfaces before any row is fetched.
     *
     * @param format the user's {@code --format} value (the CLI maps a bare "table" to its
     *     command's default table format first)
     * @param headers column titles by field name, e.g. "ID" to "CONTAINER ID"; a
     *     {@link Template.Method} value gives the title of a method column, as docker titles
     *     {@code {{.Label "com.example.team"}}} "team"
     * @throws TemplateException if the template does not parse, phrased as docker's
     *     {@code failed to parse template: template: ...}
     */
    public TableFormat(String format, Map<String, ?> headers) {
        this(format, headers, parse(format), EXECUTE_ERROR);
    }

    private TableFormat(String format, Map<String, ?> headers, Template template,
            String executeError) {
        this.format = format;
        this.executeError = executeError;
        Map<String, Object> titles = new HashMap<>(headers);
        titles.putIfAbsent("Label", (Template.Method) args -> labelTitle(args));
        this.headers = titles;
        this.template = template;
    }

    private static Template parse(String format) {
        try {
            return Template.parse(body(format));
        } catch (TemplateException e) {
            throw new TemplateException("failed to parse template: " + e.getMessage());
        }
    }

    /**
     * The same format on rows that are docker's typed contexts, as ps's are: a field a row
     * lacks fails naming rowType ({@code *formatter.ContainerContext}) instead of printing
     * {@code <no value>}.
     */
    public TableFormat rowsOf(String rowType) {
        return new TableFormat(format, headers, template.structs(rowType), executeError);
    }

    /**
     * The same format on rows of docker's shared formatter.Context (images, network ls,
     * volume ls, history, stats): their failures read {@code template parsing error: ...}
     * even when the template parsed, where ps's read {@code failed to execute template}.
     */
    public TableFormat contextRowsOf(String rowType) {
        return new TableFormat(format, headers, template.structs(rowType),
                "template parsing error: ");
    }

    /** docker titles {@code .Label "com.example.team"} by the name's last part: "team". */
    private static String labelTitle(List<Object> args) {
        String name = args.isEmpty() ? "" : String.valueOf(args.get(0));
        String last = name.substring(name.lastIndexOf('.') + 1);
        return last.replace('-', ' ').replace('_', ' ');
    }

    private static String body(String format) {
        String text = format;
        if (format.startsWith(TABLE)) {
            text = format.substring(TABLE.length());
        } else if (format.equals(JSON)) {
            text = "{{json .}}";
        }
        return text.strip().replace("\\t", "\t").replace("\\n", "\n");
    }

    /** Whether the output has a header row and aligned columns. */
    public boolean isTable() {
        return format.startsWith(TABLE);
    }

    /**
     * Renders the rows (usually maps keyed by field name) into the text docker prints; every
     * line ends with a newline. A table with no rows is its header alone.
     *
     * @throws TemplateException if the template fails on a row, phrased as docker's
     *     {@code failed to execute template: template: ...}
     */
    public String render(List<?> rows) {
        StringBuilder body = new StringBuilder();
        for (Object row : rows) {
            try {
                body.append(template.execute(asRow(row))).append('\n');
            } catch (TemplateException e) {
                throw new TemplateException(executeError + e.getMessage());
            }
        }
        if (!isTable()) {
            return body.toString();
        }
        return TabWriter.align(template.executeHeader(headers) + "\n" + body);
    }

    private static Object asRow(Object row) {
        return row instanceof Map<?, ?> map ? new Row(map) : row;
    }
}
