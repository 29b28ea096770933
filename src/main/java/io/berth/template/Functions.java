package io.berth.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The functions a template may call: Go's builtins and the ones docker adds (json, split, join,
 * title, lower, upper, pad, truncate). Each declares Go's parameter types, so that arguments are
 * checked and refused in Go's words.
 */
final class Functions {
    /** The Go parameter types the functions use; each checks a value in Exec. */
    enum Param { ANY, STRING, INT, STRING_LIST }

    /** A function's failure; Exec reports it as {@code error calling NAME: MESSAGE}. */
    static final class CallException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CallException(String message) {
            super(message);
        }
    }

    /** The body of a function, given arguments already checked against its parameters. */
    @FunctionalInterface
    interface Body {
        Object apply(List<Object> args);
    }

    /** A function: fixed parameters, an optional variadic parameter, and the body. */
    record Function(String name, List<Param> fixed, Param variadic, Body body) {
    }

    private static final Map<String, Function> ALL = new HashMap<>();

    static {
        Param any = Param.ANY;
        Param str = Param.STRING;
        Param integer = Param.INT;
        // and/or are evaluated lazily by Exec; these bodies never run.
        add("and", List.of(any), any, args -> null);
        add("or", List.of(any), any, args -> null);
        add("not", List.of(any), null, args -> !Values.truth(args.get(0)));
        add("len", List.of(any), null, args -> length(args.get(0)));
        add("index", List.of(any), any, Functions::index);
        add("slice", List.of(any), any, Functions::slice);
        add("print", List.of(), any, GoFormat::sprint);
        add("println", List.of(), any, GoFormat::sprintln);
        add("printf", List.of(str), any,
                args -> GoFormat.sprintf((String) args.get(0), args.subList(1, args.size())));
        add("html", List.of(), any, args -> Escapes.html(evalArgs(args)));
        add("js", List.of(), any, args -> Escapes.js(evalArgs(args)));
        add("urlquery", List.of(), any, args -> Escapes.urlQuery(evalArgs(args)));
        add("call", List.of(any), any, Functions::call);
        add("eq", List.of(any), any, Comparisons::eq);
        add("ne", List.of(any, any), null, args -> !Comparisons.eq(args));
        add("lt", List.of(any, any), null, args -> Comparisons.less(args.get(0), args.get(1)));
        add("le", List.of(any, any), null, args -> !Comparisons.less(args.get(1), args.get(0)));
        add("gt", List.of(any, any), null, args -> Comparisons.less(args.get(1), args.get(0)));
        add("ge", List.of(any, any), null, args -> !Comparisons.less(args.get(0), args.get(1)));
        add("json", List.of(any), null, args -> GoJson.encode(args.get(0)));
        add("split", List.of(str, str), null, args -> split(string(args, 0), string(args, 1)));
        add("join", List.of(Param.STRING_LIST, str), null, Functions::join);
        add("title", List.of(str), null, args -> Escapes.title(string(args, 0)));
        add("lower", List.of(str), null, args -> mapRunes(string(args, 0), false));
        add("upper", List.of(str), null, args -> mapRunes(string(args, 0), true));
        add("pad", List.of(str, integer, integer), null, Functions::pad);
        add("truncate", List.of(str, integer), null, Functions::truncate);
    }

    private Functions() {
    }

    private static void add(String name, List<Param> fixed, Param variadic, Body body) {
        ALL.put(name, new Function(name, fixed, variadic, body));
    }

    static boolean exists(String name) {
        return ALL.containsKey(name);
    }

    static Function get(String name) {
        return ALL.get(name);
    }

    /**
     * docker renders a table's header by running the same template on the header names with
     * its functions replaced by ones that return their first argument unchanged; pad is kept,
     * so that a padded column's title moves with it.
     */
    static Body headerBody(String name) {
        return switch (name) {
            case "json", "split", "join", "title", "lower", "upper", "truncate" ->
                    args -> args.get(0);
            default -> null;
        };
    }

    /** Go's strings.ToUpper/ToLower map rune by rune: "ß" stays "ß", unlike Java's "SS". */
    private static String mapRunes(String s, boolean upper) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp ->
                out.appendCodePoint(upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp)));
        return out.toString();
    }

    private static String string(List<Object> args, int i) {
        return (String) args.get(i);
    }

    /** docker's Go words for len of a missing value; kept so its users recognise them. */
    private static final String LEN_OF_NOTHING =
            "reflect: call of reflect.Value.Type on zero Value";

    private static Object length(Object item) {
        return switch (item) {
            case null -> throw new CallException(LEN_OF_NOTHING);
            case String s -> (long) s.getBytes(StandardCharsets.UTF_8).length;
            case List<?> l -> (long) l.size();
            case Map<?, ?> m -> (long) m.size();
            default -> throw new CallException("len of type " + Values.typeName(item));
        };
    }

    private static Object index(List<Object> args) {
        Object item = args.get(0);
        if (item == null) {
            throw new CallException("index of untyped nil");
        }
        for (Object index : args.subList(1, args.size())) {
            item = indexOnce(item, Values.normalize(index));
        }
        return item;
    }

    private static Object indexOnce(Object item, Object index) {
        return switch (Values.normalize(item)) {
            case null -> throw new CallException("index of nil pointer");
            case List<?> list -> Values.normalize(list.get(position(index, list.size(), "slice")));
            case String s -> {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                yield (long) (bytes[position(index, bytes.length, "string")] & 0xff);
            }
            case Map<?, ?> map -> {
                if (!(index instanceof String key)) {
                    throw new CallException(index == null ? "value is nil; should be of type string"
                            : "value has type " + Values.typeName(index) + "; should be string");
                }
                yield Values.normalize(map.get(key));
            }
            case Object other ->
                    throw new CallException("can't index item of type " + Values.typeName(other));
        };
    }

    /**
     * An index checked as Go's indexArg does. A slice bound (kind null) may equal the length;
     * an index equal to it fails inside Go's reflect, whose words docker prints.
     */
    private static int position(Object index, int length, String kind) {
        if (index == null) {
            throw new CallException("cannot index slice/array with nil");
        }
        if (!(index instanceof Long x)) {
            throw new CallException("cannot index slice/array with type " + Values.typeName(index));
        }
        if (x < 0 || x > length) {
            throw new CallException("index out of range: " + x);
        }
        if (x == length && kind != null) {
            throw new CallException("reflect: " + kind + " index out of range");
        }
        return x.intValue();
    }

    private static Object slice(List<Object> args) {
        Object item = args.get(0);
        List<Object> indexes = args.subList(1, args.size());
        if (item == null) {
            throw new CallException("slice of untyped nil");
        }
        if (indexes.size() > 3) {
            throw new CallException("too many slice indexes: " + indexes.size());
        }
        if (item instanceof String && indexes.size() == 3) {
            throw new CallException("cannot 3-index slice a string");
        }
        int length = switch (item) {
            // Not yet: Go slices strings by byte; this slices by UTF-16 unit, the same for ASCII.
            case String s -> s.length();
            case List<?> l -> l.size();
            default -> throw new CallException("can't slice item of type " + Values.typeName(item));
        };
        int[] bounds = {0, length, length};
        for (int i = 0; i < indexes.size(); i++) {
            bounds[i] = position(Values.normalize(indexes.get(i)), length, null);
        }
        checkOrder(bounds[0], bounds[1]);
        if (indexes.size() == 3) {
            checkOrder(bounds[1], bounds[2]);
        }
        return item instanceof String s ? s.substring(bounds[0], bounds[1])
                : new ArrayList<>(((List<?>) item).subList(bounds[0], bounds[1]));
    }

    private static void checkOrder(int low, int high) {
        if (low > high) {
            throw new CallException("invalid slice index: " + low + " > " + high);
        }
    }

    /** call's first argument is the callee's source text, which Exec adds for messages. */
    private static Object call(List<Object> args) {
        Object fn = args.get(1);
        if (fn == null) {
            throw new CallException("call of nil");
        }
        if (!(fn instanceof Template.Method method)) {
            throw new CallException("non-function " + args.get(0) + " of type "
                    + Values.typeName(fn));
        }
        return Values.normalize(method.call(new ArrayList<>(args.subList(2, args.size()))));
    }

    /** Go's evalArgs: one string argument as is, anything else through fmt.Sprint. */
    private static String evalArgs(List<Object> args) {
        if (args.size() == 1 && args.get(0) instanceof String s) {
            return s;
        }
        return GoFormat.sprint(args);
    }

    /** Go's strings.Split: an empty separator splits into characters; no trailing drops. */
    static List<Object> split(String s, String sep) {
        List<Object> parts = new ArrayList<>();
        if (sep.isEmpty()) {
            s.codePoints().forEach(cp -> parts.add(new String(Character.toChars(cp))));
            return parts;
        }
        int from = 0;
        for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static Object join(List<Object> args) {
        List<?> items = (List<?>) args.get(0);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            out.append(i > 0 ? (String) args.get(1) : "").append(Objects.toString(items.get(i)));
        }
        return out.toString();
    }

    private static Object pad(List<Object> args) {
        String source = (String) args.get(0);
        long prefix = (Long) args.get(1);
        long suffix = (Long) args.get(2);
        if (source.isEmpty()) {
            return source;
        }
        if (prefix < 0 || suffix < 0) {
            throw new CallException("strings: negative Repeat count");
        }
        return " ".repeat((int) prefix) + source + " ".repeat((int) suffix);
    }

    private static Object truncate(List<Object> args) {
        String source = (String) args.get(0);
        long length = (Long) args.get(1);
        if (source.length() < length) {
            return source;
        }
        if (length < 0) {
            throw new CallException("runtime error: slice bounds out of range [:" + length + "]");
        }
        return source.substring(0, (int) length);
    }
}
