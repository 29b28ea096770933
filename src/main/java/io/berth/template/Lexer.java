package io.berth.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into tokens the way Go's text/template lexer does, including its trim
 * markers and its error words. A lexical error becomes an ERROR token rather than an exception,
 * so that the parser reports whatever it meets first, as Go does.
 */
final class Lexer {
    enum Kind {
        TEXT, LEFT_DELIM, RIGHT_DELIM, SPACE, FIELD, VARIABLE, IDENTIFIER, DOT, NUMBER, CHAR_CONST,
        STRING, RAW_STRING, BOOL, NIL, LEFT_PAREN, RIGHT_PAREN, PIPE, ASSIGN, DECLARE, CHAR,
        KEYWORD, ERROR, EOF
    }

    /** One token: its kind, its source text, its byte offset and its 1-based line. */
    record Token(Kind kind, String text, int pos, int line) {
        @Override
        public String toString() {
            return switch (kind) {
                case EOF -> "EOF";
                case ERROR -> text;
                case KEYWORD -> "<" + text + ">";
                default -> text.length() > 10
                        ? GoFormat.quote(text.substring(0, 10)) + "..."
                        : GoFormat.quote(text);
            };
        }
    }

    private static final String LEFT = "{{";
    private static final String RIGHT = "}}";
    private static final List<String> KEYWORDS = List.of(
            "block", "break", "continue", "define", "else", "end", "if", "range", "template",
            "with");

    private final String input;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int start;
    private int parenDepth;
    private boolean failed;

    private Lexer(String input) {
        this.input = input;
    }

    /** Returns all tokens, ending with EOF or with the first ERROR. */
    static List<Token> lex(String input) {
        Lexer lexer = new Lexer(input);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (!failed && pos <= input.length()) {
            if (!lexText()) {
                break;
            }
            lexAction();
        }
        if (!failed) {
            tokens.add(new Token(Kind.EOF, "", input.length(), lineAt(input.length())));
        }
    }

    /** Emits text up to the next left delimiter; false when the input ends first. */
    private boolean lexText() {
        int delim = input.indexOf(LEFT, pos);
        int end = delim < 0 ? input.length() : delim;
        int textEnd = end;
        if (delim >= 0 && hasLeftTrim(delim + LEFT.length())) {
            textEnd = trimRight(pos, end);
        }
        if (textEnd > pos) {
            emitAt(Kind.TEXT, pos, textEnd);
        }
        pos = end;
        return delim >= 0;
    }

    private void lexAction() {
        boolean trim = hasLeftTrim(pos + LEFT.length());
        emitAt(Kind.LEFT_DELIM, pos, pos + LEFT.length());
        pos += LEFT.length() + (trim ? 2 : 0);
        if (input.startsWith("/*", pos)) {
            lexComment();
            return;
        }
        parenDepth = 0;
        while (!failed) {
            int right = rightDelimAt(pos);
            if (right > 0) {
                closeAction(right);
                return;
            }
            lexInsideAction();
        }
    }

    private void lexComment() {
        int close = input.indexOf("*/", pos);
        if (close < 0) {
            error("unclosed comment");
            return;
        }
        pos = close + 2;
        int right = rightDelimAt(pos);
        if (right < 0) {
            error("comment ends before closing delimiter");
            return;
        }
        tokens.remove(tokens.size() - 1);
        skipDelim(right);
    }

    private void closeAction(int right) {
        if (parenDepth > 0) {
            error("unclosed left paren");
            return;
        }
        emitAt(Kind.RIGHT_DELIM, pos, pos + right);
        skipDelim(right);
    }

    /** Moves past a right delimiter of the given length, trimming after it if it had " -". */
    private void skipDelim(int length) {
        boolean trim = length > RIGHT.length();
        pos += length;
        if (trim) {
            while (pos < input.length() && isSpace(input.charAt(pos))) {
                pos++;
            }
        }
    }

    /** The length of the right delimiter at i (with its trim marker), or -1 if there is none. */
    private int rightDelimAt(int i) {
        if (i + 1 < input.length() && isSpace(input.charAt(i)) && input.charAt(i + 1) == '-'
                && input.startsWith(RIGHT, i + 2)) {
            return RIGHT.length() + 2;
        }
        return input.startsWith(RIGHT, i) ? RIGHT.length() : -1;
    }

    private boolean hasLeftTrim(int i) {
        return i + 1 < input.length() && input.charAt(i) == '-' && isSpace(input.charAt(i + 1));
    }

    private void lexInsideAction() {
        start = pos;
        if (pos >= input.length()) {
            error("unclosed action");
            return;
        }
        char c = input.charAt(pos);
        if (isSpace(c)) {
            lexSpace();
        } else if (c == '=') {
            emitOne(Kind.ASSIGN);
        } else if (c == ':') {
            lexDeclare();
        } else if (c == '|') {
            emitOne(Kind.PIPE);
        } else if (c == '"') {
            lexQuote();
        } else if (c == '`') {
            lexRawQuote();
        } else if (c == '\'') {
            lexCharConstant();
        } else if (c == '$') {
            pos++;
            lexFieldOrVariable(Kind.VARIABLE);
        } else if (c == '.' && pos + 1 < input.length() && isDigit(input.charAt(pos + 1))) {
            lexNumber();
        } else if (c == '.') {
            pos++;
            lexFieldOrVariable(Kind.FIELD);
        } else if (c == '+' || c == '-' || isDigit(c)) {
            lexNumber();
        } else if (isAlphaNumeric(c)) {
            lexIdentifier();
        } else {
            lexPunctuation(c);
        }
    }

    private void lexPunctuation(char c) {
        if (c == '(') {
            parenDepth++;
            emitOne(Kind.LEFT_PAREN);
        } else if (c == ')') {
            parenDepth--;
            if (parenDepth < 0) {
                error("unexpected right paren");
                return;
            }
            emitOne(Kind.RIGHT_PAREN);
        } else if (c < 0x80 && c >= 0x20 && c != 0x7f) {
            emitOne(Kind.CHAR);
        } else {
            int cp = input.codePointAt(pos);
            error("unrecognized character in action: " + GoFormat.unicodeName(cp));
        }
    }

    /** Spaces, stopping before the space of a " -}}" so the delimiter keeps its trim marker. */
    private void lexSpace() {
        while (pos < input.length() && isSpace(input.charAt(pos))) {
            if (rightDelimAt(pos) > RIGHT.length()) {
                break;
            }
            pos++;
        }
        if (pos > start) {
            emit(Kind.SPACE);
        }
    }

    private void lexDeclare() {
        if (pos + 1 >= input.length() || input.charAt(pos + 1) != '=') {
            error("expected :=");
            return;
        }
        pos += 2;
        emit(Kind.DECLARE);
    }

    private void lexQuote() {
        pos++;
        while (true) {
            char c = pos < input.length() ? input.charAt(pos) : '\n';
            pos++;
            if (c == '\\' && pos < input.length() && input.charAt(pos) != '\n') {
                pos++;
            } else if (c == '\n' || c == '\\') {
                error("unterminated quoted string");
                return;
            } else if (c == '"') {
                emit(Kind.STRING);
                return;
            }
        }
    }

    private void lexRawQuote() {
        int close = input.indexOf('`', pos + 1);
        if (close < 0) {
            error("unterminated raw quoted string");
            return;
        }
        pos = close + 1;
        emit(Kind.RAW_STRING);
    }

    private void lexCharConstant() {
        pos++;
        while (true) {
            char c = pos < input.length() ? input.charAt(pos) : '\n';
            pos++;
            if (c == '\\' && pos < input.length() && input.charAt(pos) != '\n') {
                pos++;
            } else if (c == '\n' || c == '\\') {
                error("unterminated character constant");
                return;
            } else if (c == '\'') {
                emit(Kind.CHAR_CONST);
                return;
            }
        }
    }

    private void lexFieldOrVariable(Kind kind) {
        if (atTerminator()) {
            emit(kind == Kind.VARIABLE ? Kind.VARIABLE : Kind.DOT);
            return;
        }
        while (pos < input.length() && isAlphaNumeric(input.charAt(pos))) {
            pos++;
        }
        if (!atTerminator()) {
            error("bad character " + GoFormat.unicodeName(input.codePointAt(pos)));
            return;
        }
        emit(kind);
    }

    private void lexIdentifier() {
        while (pos < input.length() && isAlphaNumeric(input.charAt(pos))) {
            pos++;
        }
        if (!atTerminator()) {
            error("bad character " + GoFormat.unicodeName(input.codePointAt(pos)));
            return;
        }
        String word = input.substring(start, pos);
        if (KEYWORDS.contains(word)) {
            emit(Kind.KEYWORD);
        } else if (word.equals("true") || word.equals("false")) {
            emit(Kind.BOOL);
        } else if (word.equals("nil")) {
            emit(Kind.NIL);
        } else {
            emit(Kind.IDENTIFIER);
        }
    }

    /** Scans a number as Go's lexer does: sign, base prefix, digits, fraction, exponent. */
    private void lexNumber() {
        accept("+-");
        String digits = "0123456789_";
        if (accept("0")) {
            if (accept("xX")) {
                digits = "0123456789abcdefABCDEF_";
            } else if (accept("oO")) {
                digits = "01234567_";
            } else if (accept("bB")) {
                digits = "01_";
            }
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        boolean decimal = digits.length() == 11;
        boolean hex = digits.length() == 23;
        if ((decimal && accept("eE")) || (hex && accept("pP"))) {
            accept("+-");
            acceptRun("0123456789_");
        }
        accept("i");
        if (pos < input.length() && isAlphaNumeric(input.charAt(pos))) {
            pos++;
            error("bad number syntax: " + GoFormat.quote(input.substring(start, pos)));
            return;
        }
        emit(Kind.NUMBER);
    }

    private boolean accept(String valid) {
        if (pos < input.length() && valid.indexOf(input.charAt(pos)) >= 0) {
            pos++;
            return true;
        }
        return false;
    }

    private void acceptRun(String valid) {
        while (accept(valid)) {
            // consumes the run
        }
    }

    private boolean atTerminator() {
        if (pos >= input.length()) {
            return true;
        }
        char c = input.charAt(pos);
        return isSpace(c) || ".,|:()".indexOf(c) >= 0 || input.startsWith(RIGHT, pos);
    }

    private void emitOne(Kind kind) {
        pos++;
        emit(kind);
    }

    private void emit(Kind kind) {
        emitAt(kind, start, pos);
    }

    private void emitAt(Kind kind, int from, int to) {
        tokens.add(new Token(kind, input.substring(from, to), from, lineAt(from)));
    }

    private void error(String message) {
        tokens.add(new Token(Kind.ERROR, message, start, lineAt(pos)));
        failed = true;
    }

    private int trimRight(int from, int to) {
        while (to > from && isSpace(input.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    private int lineAt(int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < input.length(); i++) {
            if (input.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAlphaNumeric(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }
}
