package io.berth.template;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The parse tree. Each node keeps its byte offset for error locations, and prints itself as Go's
 * parse nodes do, since that text appears in execution errors ({@code at <.State.Pid>}).
 */
interface Node {
    int pos();

    /** A sequence of nodes. */
    record ListNode(int pos, List<Node> nodes) implements Node {
    }

    /** Literal text between actions. */
    record TextNode(int pos, String text) implements Node {
    }

    /** {@code {{pipeline}}}: evaluates and, unless it declares variables, prints. */
    record ActionNode(int pos, PipeNode pipe) implements Node {
        @Override
        public String toString() {
            return "{{" + pipe + "}}";
        }
    }

    /** The three control structures; they differ only in how they use the pipeline. */
    enum Control { IF, WITH, RANGE }

    /** {@code if}, {@code with} or {@code range} with its body and optional else body. */
    record ControlNode(int pos, Control control, PipeNode pipe, ListNode list, ListNode elseList)
            implements Node {
    }

    /** {@code {{break}}} or {@code {{continue}}} inside a range. */
    record LoopJumpNode(int pos, boolean isBreak) implements Node {
    }

    /** {@code {{template "name" pipeline}}}: runs a {@code define}d template. */
    record TemplateNode(int pos, String name, PipeNode pipe) implements Node {
        @Override
        public String toString() {
            return "{{template " + GoFormat.quote(name) + (pipe == null ? "" : " " + pipe) + "}}";
        }
    }

    /** Commands joined by {@code |}, optionally declaring or assigning variables. */
    record PipeNode(int pos, List<VariableNode> decl, boolean isAssign, List<CommandNode> cmds)
            implements Node {
        @Override
        public String toString() {
            String cmdText = cmds.stream().map(Object::toString).collect(Collectors.joining(" | "));
            if (decl.isEmpty()) {
                return cmdText;
            }
            String vars = decl.stream().map(Object::toString).collect(Collectors.joining(", "));
            return vars + (isAssign ? " = " : " := ") + cmdText;
        }
    }

    /** One stage of a pipeline: an operand and its arguments. */
    record CommandNode(int pos, List<Node> args) implements Node {
        @Override
        public String toString() {
            return args.stream()
                    .map(a -> a instanceof PipeNode ? "(" + a + ")" : a.toString())
                    .collect(Collectors.joining(" "));
        }
    }

    /** {@code .A.B}: a chain of field names starting at dot. */
    record FieldNode(int pos, List<String> idents) implements Node {
        @Override
        public String toString() {
            return idents.stream().map(i -> "." + i).collect(Collectors.joining());
        }
    }

    /** {@code $x.A.B}: a variable, then optional field names. */
    record VariableNode(int pos, List<String> idents) implements Node {
        @Override
        public String toString() {
            return String.join(".", idents);
        }
    }

    /** {@code (pipeline).A.B}: fields on the result of a term that is not a field or variable. */
    record ChainNode(int pos, Node base, List<String> fields) implements Node {
        @Override
        public String toString() {
            String head = base instanceof PipeNode ? "(" + base + ")" : base.toString();
            return head + fields.stream().map(f -> "." + f).collect(Collectors.joining());
        }
    }

    /** A function name. */
    record IdentifierNode(int pos, String name) implements Node {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The cursor, {@code .}. */
    record DotNode(int pos) implements Node {
        @Override
        public String toString() {
            return ".";
        }
    }

    /** The untyped {@code nil}. */
    record NilNode(int pos) implements Node {
        @Override
        public String toString() {
            return "nil";
        }
    }

    /** {@code true} or {@code false}. */
    record BoolNode(int pos, boolean value) implements Node {
        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /** A number constant: a Long when Go would make it an int, else a Double. */
    record NumberNode(int pos, String text, Object value) implements Node {
        @Override
        public String toString() {
            return text;
        }
    }

    /** A string constant, keeping its source form for messages. */
    record StringNode(int pos, String quoted, String text) implements Node {
        @Override
        public String toString() {
            return quoted;
        }
    }
}
