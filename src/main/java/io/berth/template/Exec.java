package io.berth.template;

import io.berth.template.Functions.CallException;
import io.berth.template.Functions.Function;
import io.berth.template.Functions.Param;
import io.berth.template.Node.ActionNode;
import io.berth.template.Node.BoolNode;
import io.berth.template.Node.ChainNode;
import io.berth.template.Node.CommandNode;
import io.berth.template.Node.Control;
import io.berth.template.Node.ControlNode;
import io.berth.template.Node.DotNode;
import io.berth.template.Node.FieldNode;
import io.berth.template.Node.IdentifierNode;
import io.berth.template.Node.ListNode;
import io.berth.template.Node.LoopJumpNode;
import io.berth.template.Node.NilNode;
import io.berth.template.Node.NumberNode;
import io.berth.template.Node.PipeNode;
import io.berth.template.Node.StringNode;
import io.berth.template.Node.TemplateNode;
import io.berth.template.Node.TextNode;
import io.berth.template.Node.VariableNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** One execution of a parsed template: Go's exec.go state, walking the tree onto a buffer. */
final class Exec {
    /** What a walked node asks of the enclosing range. */
    private enum Flow { NEXT, BREAK, CONTINUE }

    private record Variable(String name, Object value) {
    }

    /** Marks the absent final argument of a pipeline's first command (Go's missingVal). */
    private static final Object MISSING = new Object();
    private static final int MAX_DEPTH = 100000;

    private final String text;
    private final Map<String, ListNode> defined;
    private final boolean missingKeyError;
    private final String structType;
    private boolean header;
    private final StringBuilder out;
    private List<Variable> vars = new ArrayList<>();
    private String name = "";
    private Node at;
    private int depth;

    private Object data;

    /**
     * @param structType null for data that is all Go maps; otherwise data's Go type, and every
     *     map but a {@link GoMap} is a struct
     */
    Exec(String text, Map<String, ListNode> defined, boolean missingKeyError, String structType,
            StringBuilder out) {
        this.text = text;
        this.defined = defined;
        this.missingKeyError = missingKeyError;
        this.structType = structType;
        this.out = out;
    }

    /** Renders a table header: docker's functions give back their first argument. */
    Exec header() {
        header = true;
        return this;
    }

    void run(ListNode root, Object data) {
        this.data = data;
        vars.add(new Variable("$", data));
        walk(data, root);
    }

    private Flow walk(Object dot, Node node) {
        switch (node) {
            case TextNode t -> out.append(t.text());
            case ActionNode a -> {
                Object value = evalPipeline(dot, a.pipe());
                if (a.pipe().decl().isEmpty()) {
                    printValue(a, value);
                }
            }
            case ListNode list -> {
                for (Node child : list.nodes()) {
                    Flow flow = walk(dot, child);
                    if (flow != Flow.NEXT) {
                        return flow;
                    }
                }
            }
            case ControlNode c when c.control() == Control.RANGE -> {
                return walkRange(dot, c);
            }
            case ControlNode c -> {
                return walkIfOrWith(dot, c);
            }
            case LoopJumpNode j -> {
                return j.isBreak() ? Flow.BREAK : Flow.CONTINUE;
            }
            case TemplateNode t -> walkTemplate(dot, t);
            default -> throw error("unknown node: " + node);
        }
        return Flow.NEXT;
    }

    private void printValue(Node node, Object value) {
        at = node;
        if (value instanceof Template.Method) {
            throw error("can't print " + node + " of type func");
        }
        out.append(value == null ? "<no value>" : GoFormat.print(value));
    }

    private Flow walkIfOrWith(Object dot, ControlNode c) {
        int mark = vars.size();
        Object value = evalPipeline(dot, c.pipe());
        Flow flow = Flow.NEXT;
        if (Values.truth(value)) {
            flow = walk(c.control() == Control.WITH ? value : dot, c.list());
        } else if (c.elseList() != null) {
            flow = walk(dot, c.elseList());
        }
        pop(mark);
        return flow;
    }

    private Flow walkRange(Object dot, ControlNode r) {
        at = r;
        int mark = vars.size();
        Object value = evalPipeline(dot, r.pipe());
        int bodyMark = vars.size();
        boolean ran = switch (value) {
            case null -> false;
            case List<?> list -> rangeList(r, list, bodyMark);
            case Map<?, ?> map -> rangeMap(r, map, bodyMark);
            case Long n -> rangeInt(r, n, bodyMark);
            default -> throw error("range can't iterate over " + GoFormat.print(value));
        };
        if (!ran && r.elseList() != null) {
            walk(dot, r.elseList());
        }
        pop(mark);
        return Flow.NEXT;
    }

    private boolean rangeList(ControlNode r, List<?> list, int mark) {
        for (int i = 0; i < list.size(); i++) {
            if (iterate(r, (long) i, Values.normalize(list.get(i)), mark) == Flow.BREAK) {
                break;
            }
        }
        return !list.isEmpty();
    }

    private boolean rangeMap(ControlNode r, Map<?, ?> map, int mark) {
        for (Map.Entry<String, Object> e : Values.sortedEntries(map)) {
            if (iterate(r, e.getKey(), Values.normalize(e.getValue()), mark) == Flow.BREAK) {
                break;
            }
        }
        return !map.isEmpty();
    }

    private boolean rangeInt(ControlNode r, long n, int mark) {
        if (r.pipe().decl().size() > 1) {
            throw error("can't use " + n + " to iterate over more than one variable");
        }
        for (long i = 0; i < n; i++) {
            if (iterate(r, i, i, mark) == Flow.BREAK) {
                break;
            }
        }
        return n > 0;
    }

    /** One pass of a range body: with one variable it gets the element, with two the key too. */
    private Flow iterate(ControlNode r, Object key, Object element, int mark) {
        List<VariableNode> decl = r.pipe().decl();
        if (decl.size() == 1) {
            setVar(decl.get(0).idents().get(0), element);
        } else if (decl.size() == 2) {
            setVar(decl.get(0).idents().get(0), key);
            setVar(decl.get(1).idents().get(0), element);
        }
        Flow flow = walk(element, r.list());
        pop(mark);
        return flow;
    }

    private void walkTemplate(Object dot, TemplateNode t) {
        at = t;
        ListNode body = defined.get(t.name());
        if (body == null) {
            throw error("template " + GoFormat.quote(t.name()) + " not defined");
        }
        if (depth == MAX_DEPTH) {
            throw error("exceeded maximum template depth (" + MAX_DEPTH + ")");
        }
        Object newDot = t.pipe() == null ? null : evalPipeline(dot, t.pipe());
        List<Variable> outerVars = vars;
        String outerName = name;
        vars = new ArrayList<>(List.of(new Variable("$", newDot)));
        name = t.name();
        depth++;
        walk(newDot, body);
        depth--;
        vars = outerVars;
        name = outerName;
    }

    private Object evalPipeline(Object dot, PipeNode pipe) {
        at = pipe;
        Object value = MISSING;
        for (CommandNode cmd : pipe.cmds()) {
            value = Values.normalize(evalCommand(dot, cmd, value));
        }
        for (VariableNode v : pipe.decl()) {
            if (pipe.isAssign()) {
                setVar(v.idents().get(0), value);
            } else {
                vars.add(new Variable(v.idents().get(0), value));
            }
        }
        return value;
    }

    private Object evalCommand(Object dot, CommandNode cmd, Object last) {
        Node first = cmd.args().get(0);
        switch (first) {
            case FieldNode f -> {
                at = f;
                return evalFieldChain(dot, dot, f, f.idents(), cmd.args(), last);
            }
            case ChainNode c -> {
                return evalChain(dot, c, cmd.args(), last);
            }
            case IdentifierNode id -> {
                return evalFunction(dot, id, cmd, cmd.args(), last);
            }
            case PipeNode p -> {
                notAFunction(cmd.args(), last);
                return evalPipeline(dot, p);
            }
            case VariableNode v -> {
                return evalVariable(dot, v, cmd.args(), last);
            }
            default -> {
                at = first;
                notAFunction(cmd.args(), last);
                return constant(dot, first);
            }
        }
    }

    private Object constant(Object dot, Node node) {
        return switch (node) {
            case BoolNode b -> b.value();
            case DotNode d -> dot;
            case NilNode n -> throw error("nil is not a command");
            case NumberNode n -> n.value();
            case StringNode s -> s.text();
            default -> throw error("can't evaluate command " + GoFormat.quote(node.toString()));
        };
    }

    private void notAFunction(List<Node> args, Object last) {
        if (args.size() > 1 || last != MISSING) {
            throw error("can't give argument to non-function " + args.get(0));
        }
    }

    private Object evalVariable(Object dot, VariableNode v, List<Node> args, Object last) {
        at = v;
        Object value = varValue(v.idents().get(0));
        if (v.idents().size() == 1) {
            notAFunction(args, last);
            return value;
        }
        List<String> fields = v.idents().subList(1, v.idents().size());
        return evalFieldChain(dot, value, v, fields, args, last);
    }

    private Object evalChain(Object dot, ChainNode chain, List<Node> args, Object last) {
        if (chain.base() instanceof NilNode) {
            throw error("indirection through explicit nil in " + chain);
        }
        Object base = evalArg(dot, Param.ANY, chain.base());
        return evalFieldChain(dot, base, chain, chain.fields(), args, last);
    }

    private Object evalFieldChain(Object dot, Object receiver, Node node, List<String> idents,
            List<Node> args, Object last) {
        int n = idents.size();
        for (int i = 0; i < n - 1; i++) {
            receiver = evalField(dot, idents.get(i), node, List.of(), MISSING, receiver, i > 0);
        }
        return evalField(dot, idents.get(n - 1), node, args, last, receiver, n > 1);
    }

    /**
     * A field of a map is its key; a {@link Template.Method} value is called with the args. A
     * receiver taken out of a map is still a Go interface value, so errors name that type.
     */
    private Object evalField(Object dot, String field, Node node, List<Node> args, Object last,
            Object receiver, boolean fromMap) {
        Object value = Values.normalize(receiver);
        if (value == null) {
            if (missingKeyError) {
                throw error("nil data; no entry for key " + GoFormat.quote(field));
            }
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            // A struct's field has its own type; a map's value is an interface {}.
            boolean untyped = fromMap && structType == null;
            String type = untyped ? "interface {}" : Values.typeName(value);
            throw error("can't evaluate field " + field + " in type " + type);
        }
        Object found = map.get(field);
        if (found instanceof Template.Method method) {
            return callMethod(dot, method, node, field, args, last);
        }
        if (args.size() > 1 || last != MISSING) {
            throw error(field + " is not a method but has arguments");
        }
        if (found == null && !map.containsKey(field)) {
            missingField(field, map);
        }
        return Values.normalize(found);
    }

    private void missingField(String field, Map<?, ?> map) {
        if (structType != null && !(map instanceof GoMap)) {
            String type = map == data ? structType : "struct";
            throw error("can't evaluate field " + field + " in type " + type);
        }
        if (missingKeyError) {
            throw error("map has no entry for key " + GoFormat.quote(field));
        }
    }

    private Object callMethod(Object dot, Template.Method method, Node node, String field,
            List<Node> args, Object last) {
        Function function = method instanceof Template.Fixed fixed
                ? new Function(field, Collections.nCopies(fixed.count(), Param.STRING), null,
                        method)
                : new Function(field, List.of(), Param.ANY, method);
        return evalCall(dot, function, node, args, last);
    }

    private Object evalFunction(Object dot, IdentifierNode id, Node cmd, List<Node> args,
            Object last) {
        at = id;
        return evalCall(dot, Functions.get(id.name()), cmd, args, last);
    }

    private Object evalCall(Object dot, Function f, Node cmd, List<Node> callArgs, Object last) {
        List<Node> args = callArgs.isEmpty() ? List.of() : callArgs.subList(1, callArgs.size());
        checkArity(f, args.size(), last != MISSING);
        if (f.name().equals("and") || f.name().equals("or")) {
            return andOr(dot, f.name().equals("or"), args, last);
        }
        List<Object> values = new ArrayList<>();
        if (f.name().equals("call") && !args.isEmpty()) {
            values.add(args.get(0).toString());
        }
        for (int i = 0; i < args.size(); i++) {
            values.add(evalArg(dot, paramAt(f, i), args.get(i)));
        }
        if (last != MISSING) {
            values.add(validate(last, paramAt(f, args.size())));
        }
        if (header && f.method() == null && Functions.passesThroughInHeader(f.name())) {
            return values.get(0);
        }
        try {
            return Values.normalize(Functions.apply(f, values));
        } catch (CallException | ArithmeticException e) {
            at = cmd;
            throw error("error calling " + f.name() + ": " + e.getMessage());
        }
    }

    private void checkArity(Function f, int argCount, boolean hasLast) {
        int count = argCount + (hasLast ? 1 : 0);
        if (f.variadic() != null && count < f.fixed().size()) {
            throw error("wrong number of args for " + f.name() + ": want at least "
                    + f.fixed().size() + " got " + argCount);
        }
        if (f.variadic() == null && count != f.fixed().size()) {
            throw error("wrong number of args for " + f.name() + ": want " + f.fixed().size()
                    + " got " + count);
        }
    }

    private static Param paramAt(Function f, int i) {
        return i < f.fixed().size() ? f.fixed().get(i) : f.variadic();
    }

    /** and/or stop at the first argument that decides the result and return that argument. */
    private Object andOr(Object dot, boolean isOr, List<Node> args, Object last) {
        Object value = null;
        for (Node arg : args) {
            value = evalArg(dot, Param.ANY, arg);
            if (Values.truth(value) == isOr) {
                return value;
            }
        }
        return last != MISSING ? last : value;
    }

    private Object evalArg(Object dot, Param param, Node node) {
        at = node;
        return switch (node) {
            case DotNode d -> validate(dot, param);
            case NilNode n -> {
                if (param != Param.ANY && param != Param.STRING_LIST) {
                    throw error("cannot assign nil to " + goType(param));
                }
                yield null;
            }
            case FieldNode f ->
                    validate(evalFieldChain(dot, dot, f, f.idents(), List.of(f), MISSING), param);
            case VariableNode v -> validate(evalVariable(dot, v, List.of(v), MISSING), param);
            case PipeNode p -> validate(evalPipeline(dot, p), param);
            case IdentifierNode id ->
                    validate(evalFunction(dot, id, id, List.of(id), MISSING), param);
            case ChainNode c -> validate(evalChain(dot, c, List.of(c), MISSING), param);
            default -> literalArg(node, param);
        };
    }

    private Object literalArg(Node node, Param param) {
        Object value = switch (node) {
            case BoolNode b -> b.value();
            case NumberNode n -> n.value();
            case StringNode s -> s.text();
            default -> throw error("can't handle " + node + " for arg of type " + goType(param));
        };
        boolean fits = switch (param) {
            case ANY -> true;
            case STRING -> value instanceof String;
            case INT -> value instanceof Long || value instanceof Double d && d == Math.rint(d);
            case STRING_LIST -> false;
        };
        if (!fits) {
            String expected = switch (param) {
                case STRING -> "expected string; found ";
                case INT -> "expected integer; found ";
                default -> "can't handle " + node + " for arg of type []string";
            };
            throw error(param == Param.STRING_LIST ? expected : expected + node);
        }
        return param == Param.INT ? (Object) ((Number) value).longValue() : value;
    }

    /** Go's validateType: a value must be assignable to the parameter's type. */
    private Object validate(Object value, Param param) {
        Object v = Values.normalize(value);
        if (param == Param.ANY || (v == null && param == Param.STRING_LIST)) {
            return v;
        }
        if (v == null) {
            throw error("invalid value; expected " + goType(param));
        }
        boolean fits = switch (param) {
            case STRING -> v instanceof String;
            case INT -> v instanceof Long;
            default -> v instanceof List<?> l && l.stream().allMatch(e -> e instanceof String);
        };
        if (!fits) {
            throw error("wrong type for value; expected " + goType(param) + "; got "
                    + Values.typeName(v));
        }
        return v;
    }

    private static String goType(Param param) {
        return switch (param) {
            case ANY -> "interface {}";
            case STRING -> "string";
            case INT -> "int";
            case STRING_LIST -> "[]string";
        };
    }

    private Object varValue(String variable) {
        for (int i = vars.size() - 1; i >= 0; i--) {
            if (vars.get(i).name().equals(variable)) {
                return vars.get(i).value();
            }
        }
        throw error("undefined variable: " + variable);
    }

    private void setVar(String variable, Object value) {
        for (int i = vars.size() - 1; i >= 0; i--) {
            if (vars.get(i).name().equals(variable)) {
                vars.set(i, new Variable(variable, value));
                return;
            }
        }
        throw error("undefined variable: " + variable);
    }

    private void pop(int mark) {
        vars.subList(mark, vars.size()).clear();
    }

    /** Go's execution error: location of the current node and a short form of it. */
    private TemplateException error(String message) {
        if (at == null) {
            return new TemplateException("template: " + name + ": " + message);
        }
        String before = text.substring(0, Math.min(at.pos(), text.length()));
        int newline = before.lastIndexOf('\n');
        int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
        int column = newline < 0 ? before.length() : before.length() - newline - 1;
        String context = at.toString();
        return new TemplateException("template: :" + line + ":" + column
                + ": executing " + GoFormat.quote(name) + " at <" + context + ">: " + message);
    }
}
