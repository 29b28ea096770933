package io.berth.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Go's fmt package as far as templates reach it: {@code %v} printing of values, Sprint,
 * Sprintln, Sprintf with Go's verbs and flags, strconv.Quote and Go's float formatting. Written
 * by hand because no Java library prints values the way Go does, and docker output is Go's.
 */
final class GoFormat {
    private GoFormat() {
    }

    /** The flags, width and precision of one printf directive. */
    private static final class Spec {
        boolean minus;
        boolean plus;
        boolean sharp;
        boolean space;
        boolean zero;
        int width = -1;
        int precision = -1;
    }

    /** fmt.Sprint of one value, as an action prints it ({@code <nil>} for nil). */
    static String print(Object value) {
        StringBuilder out = new StringBuilder();
        formatValue(out, value, 'v', new Spec());
        return out.toString();
    }

    /** fmt.Sprint: spaces between operands when neither side is a string. */
    static String sprint(List<Object> args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            boolean isString = args.get(i) instanceof String;
            if (i > 0 && !isString && !(args.get(i - 1) instanceof String)) {
                out.append(' ');
            }
            out.append(print(args.get(i)));
        }
        return out.toString();
    }

    /** fmt.Sprintln: spaces between all operands and a final newline. */
    static String sprintln(List<Object> args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            out.append(i > 0 ? " " : "").append(print(args.get(i)));
        }
        return out.append('\n').toString();
    }

    /** fmt.Sprintf, with Go's {@code %!verb(type=value)} marks for mismatches. */
    static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argIndex = 0;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            Spec spec = new Spec();
            i = parseFlags(format, i, spec);
            if (i < format.length() && format.charAt(i) == '*') {
                i++;
                argIndex = starArgument(args, argIndex, spec, true, out);
            } else {
                int start = i;
                i = skipDigits(format, i);
                spec.width = start < i ? Integer.parseInt(format.substring(start, i)) : -1;
            }
            if (i < format.length() && format.charAt(i) == '.') {
                i++;
                if (i < format.length() && format.charAt(i) == '*') {
                    i++;
                    argIndex = starArgument(args, argIndex, spec, false, out);
                } else {
                    int start = i;
                    i = skipDigits(format, i);
                    spec.precision = start < i ? Integer.parseInt(format.substring(start, i)) : 0;
                }
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            int verb = format.codePointAt(i);
            i += Character.charCount(verb);
            if (verb == '%') {
                out.append('%');
            } else if (argIndex >= args.size()) {
                out.append("%!").appendCodePoint(verb).append("(MISSING)");
            } else {
                formatArgument(out, args.get(argIndex++), verb, spec);
            }
        }
        appendExtra(out, args, argIndex);
        return out.toString();
    }

    private static int parseFlags(String format, int i, Spec spec) {
        for (; i < format.length(); i++) {
            switch (format.charAt(i)) {
                case '-' -> {
                    spec.minus = true;
                    spec.zero = false;
                }
                case '+' -> spec.plus = true;
                case '#' -> spec.sharp = true;
                case ' ' -> spec.space = true;
                case '0' -> spec.zero = !spec.minus;
                default -> {
                    return i;
                }
            }
        }
        return i;
    }

    private static int skipDigits(String s, int i) {
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int starArgument(List<Object> args, int index, Spec spec, boolean isWidth,
            StringBuilder out) {
        Object arg = index < args.size() ? args.get(index) : null;
        if (!(arg instanceof Long n)) {
            out.append(isWidth ? "%!(BADWIDTH)" : "%!(BADPREC)");
            return index + 1;
        }
        if (isWidth) {
            spec.width = (int) Math.abs(n);
            spec.minus |= n < 0;
            spec.zero &= n >= 0;
        } else {
            spec.precision = n < 0 ? -1 : n.intValue();
        }
        return index + 1;
    }

    private static void appendExtra(StringBuilder out, List<Object> args, int used) {
        if (used >= args.size()) {
            return;
        }
        out.append("%!(EXTRA ");
        for (int i = used; i < args.size(); i++) {
            Object arg = args.get(i);
            out.append(i > used ? ", " : "");
            out.append(arg == null ? "<nil>" : Values.typeName(arg) + "=" + print(arg));
        }
        out.append(')');
    }

    private static void formatArgument(StringBuilder out, Object arg, int verb, Spec spec) {
        if (verb == 'T') {
            pad(out, arg == null ? "<nil>" : Values.typeName(arg), spec);
        } else if (verb == 'v' && spec.sharp) {
            pad(out, goSyntax(arg), spec);
        } else if (verb == 'v' && spec.plus) {
            // Go's %+v means "with field names", never a sign.
            spec.plus = false;
            formatValue(out, arg, verb, spec);
        } else {
            formatValue(out, arg, verb, spec);
        }
    }

    private static void formatValue(StringBuilder out, Object value, int verb, Spec spec) {
        switch (value) {
            case null -> {
                if (verb == 'v') {
                    pad(out, "<nil>", spec);
                } else {
                    badVerb(out, verb, null);
                }
            }
            case String s -> formatString(out, s, verb, spec);
            case Long n -> formatInteger(out, n, verb, spec);
            case Double d -> formatFloat(out, d, verb, spec);
            case Boolean b -> formatBoolean(out, b, verb, spec);
            case List<?> list -> formatList(out, list, verb, spec);
            case Map<?, ?> map -> formatMap(out, map, verb, spec);
            default -> formatValue(out, Values.normalize(value), verb, spec);
        }
    }

    private static void formatList(StringBuilder out, List<?> list, int verb, Spec spec) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            out.append(i > 0 ? " " : "");
            formatElement(out, list.get(i), verb, spec);
        }
        out.append(']');
    }

    private static void formatMap(StringBuilder out, Map<?, ?> map, int verb, Spec spec) {
        out.append("map[");
        boolean first = true;
        for (Map.Entry<String, Object> e : Values.sortedEntries(map)) {
            out.append(first ? "" : " ");
            formatElement(out, e.getKey(), verb, spec);
            out.append(':');
            formatElement(out, e.getValue(), verb, spec);
            first = false;
        }
        out.append(']');
    }

    /** Inside a list or map Go prints a nil element as {@code <nil>}, whatever the verb. */
    private static void formatElement(StringBuilder out, Object element, int verb, Spec spec) {
        Object value = Values.normalize(element);
        if (value == null) {
            out.append("<nil>");
        } else {
            formatValue(out, value, verb, spec);
        }
    }

    private static void badVerb(StringBuilder out, int verb, Object arg) {
        out.append("%!").appendCodePoint(verb).append('(');
        out.append(arg == null ? "<nil>" : Values.typeName(arg) + "=" + print(arg));
        out.append(')');
    }

    private static void formatBoolean(StringBuilder out, boolean b, int verb, Spec spec) {
        if (verb == 'v' || verb == 't') {
            pad(out, Boolean.toString(b), spec);
        } else {
            badVerb(out, verb, b);
        }
    }

    private static void formatString(StringBuilder out, String s, int verb, Spec spec) {
        String text = spec.precision >= 0 ? truncateRunes(s, spec.precision) : s;
        switch (verb) {
            case 'v', 's' -> pad(out, text, spec);
            case 'q' -> pad(out, quoteFor(text, spec), spec);
            case 'x', 'X' -> pad(out, hexBytes(text, verb == 'X', spec), spec);
            default -> badVerb(out, verb, s);
        }
    }

    private static String quoteFor(String s, Spec spec) {
        if (spec.sharp && s.indexOf('`') < 0 && s.chars().noneMatch(c -> c < ' ' && c != '\t')) {
            return "`" + s + "`";
        }
        return spec.plus ? quoteAscii(s) : quote(s);
    }

    private static String truncateRunes(String s, int runes) {
        if (s.codePointCount(0, s.length()) <= runes) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, runes));
    }

    private static String hexBytes(String s, boolean upper, Spec spec) {
        StringBuilder hex = new StringBuilder();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (spec.space && i > 0) {
                hex.append(' ');
            }
            if (spec.sharp && (spec.space || i == 0)) {
                hex.append(upper ? "0X" : "0x");
            }
            hex.append(String.format(upper ? "%02X" : "%02x", bytes[i] & 0xff));
        }
        return hex.toString();
    }

    private static void formatInteger(StringBuilder out, long n, int verb, Spec spec) {
        switch (verb) {
            case 'v', 'd' -> padInteger(out, n, 10, "", spec);
            case 'b' -> padInteger(out, n, 2, spec.sharp ? "0b" : "", spec);
            case 'o' -> padInteger(out, n, 8, spec.sharp ? "0" : "", spec);
            case 'O' -> padInteger(out, n, 8, "0o", spec);
            case 'x' -> padInteger(out, n, 16, spec.sharp ? "0x" : "", spec);
            case 'X' -> padInteger(out, n, -16, spec.sharp ? "0X" : "", spec);
            case 'c' -> pad(out, new String(Character.toChars(validRune(n))), spec);
            case 'q' -> pad(out, quoteRune(validRune(n)), spec);
            case 'U' -> pad(out, unicodeFormat(n, spec.sharp), spec);
            case 'e', 'E', 'f', 'F', 'g', 'G' -> formatFloat(out, (double) n, verb, spec);
            default -> badVerb(out, verb, n);
        }
    }

    private static int validRune(long n) {
        return n >= 0 && n <= Character.MAX_CODE_POINT && !(n >= 0xD800 && n <= 0xDFFF)
                ? (int) n : 0xFFFD;
    }

    private static String unicodeFormat(long n, boolean withChar) {
        String code = String.format("U+%04X", n);
        return withChar ? code + " '" + new String(Character.toChars(validRune(n))) + "'" : code;
    }

    /** Go's fmtInteger: precision is a minimum digit count; '0' pads after the sign. */
    private static void padInteger(StringBuilder out, long n, int radix, String prefix,
            Spec spec) {
        String digits = Long.toString(Math.abs(n), Math.abs(radix));
        if (n == Long.MIN_VALUE) {
            digits = Long.toUnsignedString(n, Math.abs(radix));
        }
        digits = radix < 0 ? digits.toUpperCase() : digits;
        String sign = n < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "";
        int minDigits = spec.precision;
        if (minDigits == 0 && n == 0) {
            digits = "";
        } else if (minDigits < 0 && spec.zero && spec.width > 0) {
            minDigits = spec.width - sign.length();
        }
        digits = "0".repeat(Math.max(0, minDigits - digits.length())) + digits;
        if (prefix.equals("0") && digits.startsWith("0")) {
            prefix = "";
        }
        Spec spaces = copyWithoutZero(spec);
        pad(out, sign + prefix + digits, spaces);
    }

    private static Spec copyWithoutZero(Spec spec) {
        Spec copy = new Spec();
        copy.minus = spec.minus;
        copy.width = spec.width;
        return copy;
    }

    private static void formatFloat(StringBuilder out, double d, int verb, Spec spec) {
        String number = switch (verb) {
            case 'v', 'g', 'G' -> formatG(d, spec.precision, verb == 'G');
            case 'e', 'E' -> formatE(d, spec.precision < 0 ? 6 : spec.precision, verb == 'E');
            case 'f', 'F' -> formatF(d, spec.precision < 0 ? 6 : spec.precision);
            default -> null;
        };
        if (number == null) {
            badVerb(out, verb, d);
            return;
        }
        padFloat(out, number, spec);
    }

    /** Go's fmtFloat padding: the sign goes before zero padding; NaN/Inf pad with spaces. */
    private static void padFloat(StringBuilder out, String number, Spec spec) {
        boolean negative = number.startsWith("-");
        String unsigned = negative ? number.substring(1) : number;
        String sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
        if (Character.isLetter(unsigned.charAt(0))) {
            if (unsigned.equals("NaN") && sign.equals("-")) {
                sign = "";
            }
            pad(out, sign + unsigned, copyWithoutZero(spec));
            return;
        }
        int padding = spec.width - sign.length() - unsigned.length();
        if (spec.zero && !spec.minus && padding > 0) {
            out.append(sign).append("0".repeat(padding)).append(unsigned);
            return;
        }
        pad(out, sign + unsigned, copyWithoutZero(spec));
    }

    /** Pads to the width with spaces, or zeros when the '0' flag is set (Go does so for text). */
    private static void pad(StringBuilder out, String text, Spec spec) {
        int padding = spec.width - text.codePointCount(0, text.length());
        if (padding <= 0) {
            out.append(text);
        } else if (spec.minus) {
            out.append(text).append(" ".repeat(padding));
        } else {
            out.append((spec.zero ? "0" : " ").repeat(padding)).append(text);
        }
    }

    /** A decimal digit string and the position of the decimal point: 0.digits × 10^point. */
    private record Digits(String digits, int point) {
        static Digits of(BigDecimal value) {
            if (value.signum() == 0) {
                return new Digits("", 0);
            }
            BigDecimal stripped = value.stripTrailingZeros();
            String digits = stripped.unscaledValue().abs().toString();
            return new Digits(digits, digits.length() - stripped.scale());
        }

        static Digits shortest(double abs) {
            return of(new BigDecimal(Double.toString(abs)));
        }

        static Digits rounded(double abs, int significant) {
            MathContext context = new MathContext(significant, RoundingMode.HALF_EVEN);
            return of(new BigDecimal(abs).round(context));
        }

        char at(int i) {
            return i >= 0 && i < digits.length() ? digits.charAt(i) : '0';
        }
    }

    private static String special(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        return null;
    }

    private static String sign(double d) {
        return d < 0 || (d == 0 && 1 / d < 0) ? "-" : "";
    }

    /** strconv.FormatFloat(d, 'e', precision, 64); precision -1 means shortest. */
    static String formatE(double d, int precision, boolean upper) {
        String special = special(d);
        if (special != null) {
            return special;
        }
        double abs = Math.abs(d);
        Digits digits = precision < 0 ? Digits.shortest(abs) : Digits.rounded(abs, precision + 1);
        int shown = precision < 0 ? Math.max(digits.digits().length() - 1, 0) : precision;
        return sign(d) + mantissaE(digits, shown) + exponent(digits, upper);
    }

    private static String mantissaE(Digits digits, int fraction) {
        StringBuilder out = new StringBuilder().append(digits.at(0));
        if (fraction > 0) {
            out.append('.');
            for (int i = 1; i <= fraction; i++) {
                out.append(digits.at(i));
            }
        }
        return out.toString();
    }

    private static String exponent(Digits digits, boolean upper) {
        int exp = digits.digits().isEmpty() ? 0 : digits.point() - 1;
        String value = Integer.toString(Math.abs(exp));
        return (upper ? "E" : "e") + (exp < 0 ? "-" : "+") + (value.length() < 2 ? "0" : "")
                + value;
    }

    /** strconv.FormatFloat(d, 'f', precision, 64); precision -1 means shortest. */
    static String formatF(double d, int precision) {
        String special = special(d);
        if (special != null) {
            return special;
        }
        double abs = Math.abs(d);
        Digits digits;
        if (precision < 0) {
            digits = Digits.shortest(abs);
            precision = Math.max(digits.digits().length() - digits.point(), 0);
        } else {
            digits = Digits.of(new BigDecimal(abs).setScale(precision, RoundingMode.HALF_EVEN));
        }
        return sign(d) + fixed(digits, precision);
    }

    private static String fixed(Digits digits, int fraction) {
        StringBuilder out = new StringBuilder();
        if (digits.point() <= 0) {
            out.append('0');
        }
        for (int i = 0; i < digits.point(); i++) {
            out.append(digits.at(i));
        }
        if (fraction > 0) {
            out.append('.');
            for (int i = 0; i < fraction; i++) {
                out.append(digits.at(digits.point() + i));
            }
        }
        return out.toString();
    }

    /** strconv.FormatFloat(d, 'g', precision, 64), as %v and %g print floats. */
    static String formatG(double d, int precision, boolean upper) {
        String special = special(d);
        if (special != null) {
            return special;
        }
        double abs = Math.abs(d);
        boolean shortest = precision < 0;
        int significant = precision == 0 ? 1 : precision;
        Digits digits = shortest ? Digits.shortest(abs) : Digits.rounded(abs, significant);
        int count = digits.digits().length();
        int eprec = shortest ? 6 : significant;
        if (!shortest && eprec > count && count >= digits.point()) {
            eprec = count;
        }
        int exp = count == 0 ? 0 : digits.point() - 1;
        if (exp < -4 || exp >= eprec) {
            return sign(d) + mantissaE(digits, Math.max(count - 1, 0)) + exponent(digits, upper);
        }
        return sign(d) + fixed(digits, Math.max(count - digits.point(), 0));
    }

    /** strconv.Quote: Go escapes, printable Unicode kept as is. */
    static String quote(String s) {
        return quoteWith(s, '"', false);
    }

    private static String quoteAscii(String s) {
        return quoteWith(s, '"', true);
    }

    private static String quoteRune(int rune) {
        return quoteWith(new String(Character.toChars(rune)), '\'', false);
    }

    private static String quoteWith(String s, char quote, boolean asciiOnly) {
        StringBuilder out = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            appendEscaped(out, cp, quote, asciiOnly);
            i += Character.charCount(cp);
        }
        return out.append(quote).toString();
    }

    private static void appendEscaped(StringBuilder out, int cp, char quote, boolean asciiOnly) {
        String simple = switch (cp) {
            case 0x07 -> "\\a";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case 0x0b -> "\\v";
            case '\\' -> "\\\\";
            default -> cp == quote ? "\\" + quote : null;
        };
        if (simple != null) {
            out.append(simple);
        } else if (isPrint(cp) && (!asciiOnly || cp < 0x80)) {
            out.appendCodePoint(cp);
        } else if (cp < 0x80) {
            out.append(String.format("\\x%02x", cp));
        } else if (cp < 0x10000) {
            out.append(String.format("\\u%04x", cp));
        } else {
            out.append(String.format("\\U%08x", cp));
        }
    }

    /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
    static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.SURROGATE,
                 Character.PRIVATE_USE, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Go's %#U: {@code U+007D '}'}, as the lexer names a bad character. */
    static String unicodeName(int cp) {
        String code = String.format("U+%04X", cp);
        return isPrint(cp) ? code + " '" + new String(Character.toChars(cp)) + "'" : code;
    }

    /** %#v: Go-syntax representation of the value. */
    private static String goSyntax(Object value) {
        return switch (Values.normalize(value)) {
            case null -> "<nil>";
            case String s -> quote(s);
            case Double d -> formatG(d, -1, false);
            case List<?> list -> {
                StringBuilder out = new StringBuilder("[]interface {}{");
                for (int i = 0; i < list.size(); i++) {
                    out.append(i > 0 ? ", " : "").append(goSyntax(list.get(i)));
                }
                yield out.append('}').toString();
            }
            case Map<?, ?> map -> {
                StringBuilder out = new StringBuilder("map[string]interface {}{");
                boolean first = true;
                for (Map.Entry<String, Object> e : Values.sortedEntries(map)) {
                    out.append(first ? "" : ", ").append(quote(e.getKey())).append(':');
                    out.append(goSyntax(e.getValue()));
                    first = false;
                }
                yield out.append('}').toString();
            }
            case Object other -> print(other);
        };
    }
}
