package io.berth.template;

import java.nio.charset.StandardCharsets;

/** Go's html, js and urlquery escapers, and strings.Title as docker's title function uses it. */
final class Escapes {
    private Escapes() {
    }

    /** template.HTMLEscapeString. */
    static String html(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\'' -> out.append("&#39;");
                case '"' -> out.append("&#34;");
                case '\0' -> out.append('\uFFFD');
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** template.JSEscapeString: quotes, angle brackets, '&', '=' and controls as escapes. */
    static String js(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '"' -> out.append("\\\"");
                case '<' -> out.append("\\u003C");
                case '>' -> out.append("\\u003E");
                case '&' -> out.append("\\u0026");
                case '=' -> out.append("\\u003D");
                default -> appendJsRune(out, cp);
            }
        });
        return out.toString();
    }

    private static void appendJsRune(StringBuilder out, int cp) {
        if (cp < ' ' || (cp >= 0x80 && !GoFormat.isPrint(cp))) {
            out.append(String.format("\\u%04X", cp));
        } else {
            out.appendCodePoint(cp);
        }
    }

    /** url.QueryEscape: unreserved bytes kept, space as '+', the rest as %XX. */
    static String urlQuery(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 0x80 || "-_.~".indexOf(c) >= 0) {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return out.toString();
    }

    /** strings.Title: the first letter of each word in title case. */
    static String title(String s) {
        StringBuilder out = new StringBuilder();
        int previous = ' ';
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            out.appendCodePoint(isSeparator(previous) ? Character.toTitleCase(cp) : cp);
            previous = cp;
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** Go's word boundary for Title: ASCII except letters, digits and '_', or any space. */
    private static boolean isSeparator(int cp) {
        if (cp < 0x80) {
            return !(Character.isLetterOrDigit(cp) || cp == '_');
        }
        if (Character.isLetterOrDigit(cp)) {
            return false;
        }
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }
}
