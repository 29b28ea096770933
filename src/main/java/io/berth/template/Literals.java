package io.berth.template;

import java.math.BigInteger;

/** Go's literal syntax for template constants: numbers, character constants and strings. */
final class Literals {
    private Literals() {
    }

    /**
     * The value of a number or character constant: a Long where Go's template would make an
     * int, a Double where it would make a float64 (a '.', exponent or 'p' outside a hex int).
     */
    static Object number(String text) {
        if (text.startsWith("'")) {
            return (long) unquote(text).codePointAt(0);
        }
        if (text.endsWith("i") && !text.startsWith("0x") && !text.startsWith("0X")) {
            throw new IllegalArgumentException("complex numbers are not supported: " + text);
        }
        Long integer = parseInteger(text);
        if (integer != null) {
            return integer;
        }
        return parseFloat(text);
    }

    private static Long parseInteger(String text) {
        String digits = text.replace("_", "");
        boolean negative = digits.startsWith("-");
        if (negative || digits.startsWith("+")) {
            digits = digits.substring(1);
        }
        int radix = 10;
        String lower = digits.toLowerCase();
        if (lower.startsWith("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (lower.startsWith("0o")) {
            radix = 8;
            digits = digits.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        if (!isDigits(digits, radix)) {
            return null;
        }
        BigInteger value = new BigInteger(digits, radix);
        value = negative ? value.negate() : value;
        if (value.bitLength() > 63) {
            throw new IllegalArgumentException("integer overflow: " + GoFormat.quote(text));
        }
        return value.longValue();
    }

    private static boolean isDigits(String digits, int radix) {
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0) {
                return false;
            }
        }
        return !digits.isEmpty();
    }

    private static Double parseFloat(String text) {
        String plain = text.replace("_", "");
        boolean hex = plain.toLowerCase().matches("[+-]?0x.*");
        boolean valid = hex ? plain.toLowerCase().contains("p")
                : plain.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
        if (!valid) {
            throw new IllegalArgumentException("illegal number syntax: " + GoFormat.quote(text));
        }
        return Double.parseDouble(plain);
    }

    /** Go's strconv.Unquote for "...", `...` and '...' literals. */
    static String unquote(String quoted) {
        char q = quoted.charAt(0);
        String body = quoted.substring(1, quoted.length() - 1);
        if (q == '`') {
            return body.replace("\r", "");
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == q) {
                throw new IllegalArgumentException("invalid syntax");
            }
            if (c != '\\') {
                out.append(c);
                i++;
                continue;
            }
            i = unescape(body, i + 1, q, out);
        }
        if (q == '\'' && out.codePointCount(0, out.length()) != 1) {
            throw new IllegalArgumentException("malformed character constant: " + quoted);
        }
        return out.toString();
    }

    /** Decodes the escape whose letter is at i; returns the index after it. */
    private static int unescape(String s, int i, char quote, StringBuilder out) {
        if (i >= s.length()) {
            throw new IllegalArgumentException("invalid syntax");
        }
        char c = s.charAt(i);
        String simple = "abfnrtv\\";
        String meaning = "\u0007\b\f\n\r\t\u000b\\";
        if (simple.indexOf(c) >= 0) {
            out.append(meaning.charAt(simple.indexOf(c)));
            return i + 1;
        }
        if (c == quote) {
            out.append(c);
            return i + 1;
        }
        return switch (c) {
            case 'x' -> appendCode(s, i + 1, 2, 16, out, true);
            case 'u' -> appendCode(s, i + 1, 4, 16, out, false);
            case 'U' -> appendCode(s, i + 1, 8, 16, out, false);
            case '0', '1', '2', '3', '4', '5', '6', '7' -> appendCode(s, i, 3, 8, out, true);
            default -> throw new IllegalArgumentException("invalid syntax");
        };
    }

    private static int appendCode(String s, int from, int length, int radix, StringBuilder out,
            boolean isByte) {
        if (from + length > s.length()) {
            throw new IllegalArgumentException("invalid syntax");
        }
        int code;
        try {
            code = Integer.parseInt(s.substring(from, from + length), radix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid syntax");
        }
        if (isByte && code > 0xff || !Character.isValidCodePoint(code)) {
            throw new IllegalArgumentException("invalid syntax");
        }
        // Not yet: a \x byte above 0x7f is one byte of UTF-8 in Go; Java strings hold
        // characters, so it becomes the character of that number (Latin-1) instead.
        out.appendCodePoint(code);
        return from + length;
    }
}
