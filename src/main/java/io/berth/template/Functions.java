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

    /**
     * A function: fixed parameters and an optional variadic one. A builtin has no method and
     * runs through {@link #apply}; a {@link Template.Method} from the data carries its own.
     */
    record Function(String name, List<Param> fixed, Param variadic, Template.Method method) {
    }

    private static final Map<String, Function> ALL = new HashMap<>();

    static {
        Param any = Param.ANY;
        Param str = Param.STRING;
        Param integer = Param.INT;
        add("and", List.of(any), any);
        add("or", List.of(any), any);
        add("not", List.of(any), null);
        add("len", List.of(any), null);
        add("index", List.of(any), any);
        add("slice", List.of(any), any);
        add("print", List.of(), any);
        add("println", List.of(), any);
        add("printf", List.of(str), any);
        add("html", List.of(), any);
        add("js", List.of(), any);
        add("urlquery", List.of(), any);
        add("call", List.of(any), any);
        add("eq", List.of(any), any);
        for (String name : List.of("ne", "lt", "le", "gt", "ge")) {
            add(name, List.of(any, any), null);
        }
        add("json", List.of(any), null);
        add("split", List.of(str, str), null);
        add("join", List.of(Param.STRING_LIST, str), null);
        for (String name : List.of("title", "lower", "upper")) {
            add(name, List.of(str), null);
        }
        add("pad", List.of(str, integer, integer), null);
        add("truncate", List.of(str, integer), null);
    }

    /**
     * Runs a function on arguments already checked against its parameters. A switch rather
     * than a table of lambdas: each lambda is a class the CLI would load on every call.
     */
    static Object apply(Function f, List<Object> args) {
        if (f.method() != null) {
            return f.method().call(args);
        }
        return switch (f.name()) {
            case "not" -> !Values.truth(args.get(0));
            case "len" -> length(args.get(0));
            case "index" -> index(args);
            case "slice" -> slice(args);
            case "print" -> GoFormat.sprint(args);
            case "println" -> GoFormat.sprintln(args);
            case "printf" -> GoFormat.sprintf(string(args, 0), args.subList(1, args.size()));
            case "html" -> Escapes.html(evalArgs(args));
            case "js" -> Escapes.js(evalArgs(args));
            case "urlquery" -> Escapes.urlQuery(evalArgs(args));
            case "call" -> call(args);
            case "eq" -> Comparisons.eq(args);
            case "ne" -> !Comparisons.eq(args);
            case "lt" -> Comparisons.less(args.get(0), args.get(1));
            case "le" -> !Comparisons.less(args.get(1), args.get(0));
            case "gt" -> Comparisons.less(args.get(1), args.get(0));
            case "ge" -> !Comparisons.less(args.get(0), args.get(1));
            default -> applyDocker(f.name(), args);
        };
    }

    private static Object applyDocker(String name, List<Object> args) {
        return switch (name) {
            case "json" -> GoJson.encode(args.get(0));
            case "split" -> split(string(args, 0), string(args, 1));
            case "join" -> join(args);
            case "title" -> Escapes.title(string(args, 0));
            case "lower" -> mapRunes(string(args, 0), false);
            case "upper" -> mapRunes(string(args, 0), true);
            case "pad" -> pad(args);
            case "truncate" -> truncate(args);
            default -> throw new IllegalStateException("no body for function " + name);
        };
    }

    private Functions() {
    }

    private static void add(String name, List<Param> fixed, Param variadic) {
        ALL.put(name, new Function(name, fixed, variadic, null));
    }

    static boolean exists(String name) {
        return ALL.containsKey(name);
    }

    static Function get(String name) {
        return ALL.get(name);
    }

    /**
     * docker renders a table's header by running the same template on the header names with
     * these functions replaced by ones that return their first argument unchanged; pad is
     * kept, so that a padded column's title moves with it.
     */
    static boolean passesThroughInHeader(String name) {
        return switch (name) {
            case "json", "split", "join", "title", "lower", "upper", "truncate" -> true;
            default -> false;
        };
    }

    /** Go's strings.ToUpper/ToLower map rune by rune: "ß" stays "ß", unlike Java's "SS". */
    private static String mapRunes(String s, boolean upper) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            out.appendCodePoint(upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp));
            i += Character.charCount(cp);
        }
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
                if (map instanceof GoMap goMap && !map.containsKey(key) && goMap.ofStrings()) {
                    // Go's index gives a missing key the zero value of the map's element type.
                    yield "";
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
