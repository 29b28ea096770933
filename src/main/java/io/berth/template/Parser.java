package io.berth.template;

import io.berth.template.Lexer.Kind;
import io.berth.template.Lexer.Token;
import io.berth.template.Node.BoolNode;
import io.berth.template.Node.ChainNode;
import io.berth.template.Node.CommandNode;
import io.berth.template.Node.Control;
import io.berth.template.Node.ControlNode;
import io.berth.template.Node.DotNode;
import io.berth.template.Node.FieldNode;
import io.berth.template.Node.IdentifierNode;
import io.berth.template.Node.ListNode;
import io.berth.template.Node.NilNode;
import io.berth.template.Node.NumberNode;
import io.berth.template.Node.PipeNode;
import io.berth.template.Node.StringNode;
import io.berth.template.Node.VariableNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recursive-descent parser following the grammar and the error words of Go's text/template
 * parser, so that a docker user's broken template fails here with the message docker prints.
 */
final class Parser {
    /** The result: the main tree and the templates named by define or block. */
    record Parsed(ListNode root, Map<String, ListNode> defined) {
    }

    private final List<Token> tokens;
    private final Map<String, ListNode> defined = new HashMap<>();
    private List<String> vars = new ArrayList<>(List.of("$"));
    private int next;
    private int rangeDepth;
    private int actionLine;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Parsed parse(String text) {
        Parser parser = new Parser(Lexer.lex(text));
        ListNode root = parser.parseTop();
        return new Parsed(root, parser.defined);
    }

    private ListNode parseTop() {
        List<Node> nodes = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            if (startsDefinition()) {
                parseDefinition();
                continue;
            }
            Node n = textOrAction();
            if (n instanceof MarkerNode m) {
                throw error("unexpected " + m);
            }
            nodes.add(n);
        }
        return new ListNode(0, nodes);
    }

    /** Consumes {@code {{define} when it comes next; otherwise leaves the position as it was. */
    private boolean startsDefinition() {
        if (peek().kind() != Kind.LEFT_DELIM) {
            return false;
        }
        int mark = next;
        next();
        if (isKeyword(nextNonSpace(), "define")) {
            return true;
        }
        next = mark;
        return false;
    }

    private void parseDefinition() {
        String context = "define clause";
        String name = templateName(nextNonSpace(), context);
        expect(Kind.RIGHT_DELIM, context);
        List<String> outerVars = vars;
        vars = new ArrayList<>(List.of("$"));
        ItemList body = itemList();
        vars = outerVars;
        if (!body.end().isEnd()) {
            throw error("unexpected " + body.end() + " in " + context);
        }
        defined.put(name, body.list());
    }

    /** {{end}} or {{else}}: ends the list being parsed and never reaches the tree. */
    private record MarkerNode(int pos, boolean isEnd) implements Node {
        @Override
        public String toString() {
            return isEnd ? "{{end}}" : "{{else}}";
        }
    }

    private record ItemList(ListNode list, MarkerNode end) {
    }

    /** Text or an action; comments never get here, the lexer drops them. */
    private Node textOrAction() {
        Token token = nextNonSpace();
        return switch (token.kind()) {
            case TEXT -> new Node.TextNode(token.pos(), token.text());
            case LEFT_DELIM -> {
                actionLine = token.line();
                yield action();
            }
            default -> throw unexpected(token, "input");
        };
    }

    private Node action() {
        Token token = nextNonSpace();
        if (token.kind() == Kind.KEYWORD) {
            return keywordAction(token);
        }
        backup();
        return new Node.ActionNode(peek().pos(), pipeline("command", Kind.RIGHT_DELIM));
    }

    private Node keywordAction(Token token) {
        return switch (token.text()) {
            case "block" -> blockControl();
            case "break", "continue" -> loopJump(token);
            case "else" -> elseControl();
            case "end" -> new MarkerNode(expect(Kind.RIGHT_DELIM, "end").pos(), true);
            case "if" -> control(Control.IF);
            case "range" -> control(Control.RANGE);
            case "with" -> control(Control.WITH);
            case "template" -> templateControl();
            default -> throw unexpected(token, "command");
        };
    }

    private Node loopJump(Token token) {
        if (rangeDepth == 0) {
            throw error("{{" + token.text() + "}} outside {{range}}");
        }
        Token close = nextNonSpace();
        if (close.kind() != Kind.RIGHT_DELIM) {
            throw unexpected(close, "{{" + token.text() + "}}");
        }
        return new Node.LoopJumpNode(token.pos(), token.text().equals("break"));
    }

    private Node elseControl() {
        Token peek = peekNonSpace();
        if (isKeyword(peek, "if") || isKeyword(peek, "with")) {
            return new MarkerNode(peek.pos(), false);
        }
        return new MarkerNode(expect(Kind.RIGHT_DELIM, "else").pos(), false);
    }

    private Node control(Control control) {
        String context = control.name().toLowerCase();
        int savedVars = vars.size();
        PipeNode pipe = pipeline(context, Kind.RIGHT_DELIM);
        if (control == Control.RANGE) {
            rangeDepth++;
        }
        ItemList body = itemList();
        if (control == Control.RANGE) {
            rangeDepth--;
        }
        ListNode elseList = body.end().isEnd() ? null : elseBranch(control, body.end());
        vars.subList(savedVars, vars.size()).clear();
        return new ControlNode(pipe.pos(), control, pipe, body.list(), elseList);
    }

    /** {{else if}} and {{else with}} become an else list holding one nested control. */
    private ListNode elseBranch(Control control, MarkerNode elseMarker) {
        boolean chained = control == Control.IF && isKeyword(peek(), "if")
                || control == Control.WITH && isKeyword(peek(), "with");
        if (chained) {
            next();
            return new ListNode(elseMarker.pos(), List.of(control(control)));
        }
        ItemList rest = itemList();
        if (!rest.end().isEnd()) {
            throw error("expected end; found " + rest.end());
        }
        return rest.list();
    }

    private ItemList itemList() {
        int pos = peekNonSpace().pos();
        List<Node> nodes = new ArrayList<>();
        while (peekNonSpace().kind() != Kind.EOF) {
            Node n = textOrAction();
            if (n instanceof MarkerNode m) {
                return new ItemList(new ListNode(pos, nodes), m);
            }
            nodes.add(n);
        }
        throw error("unexpected EOF");
    }

    private Node templateControl() {
        String context = "template clause";
        Token token = nextNonSpace();
        String name = templateName(token, context);
        PipeNode pipe = null;
        if (nextNonSpace().kind() != Kind.RIGHT_DELIM) {
            backup();
            pipe = pipeline(context, Kind.RIGHT_DELIM);
        }
        return new Node.TemplateNode(token.pos(), name, pipe);
    }

    /** {{block "name" pipeline}}body{{end}} defines name and runs it in place. */
    private Node blockControl() {
        String context = "block clause";
        Token token = nextNonSpace();
        String name = templateName(token, context);
        PipeNode pipe = pipeline(context, Kind.RIGHT_DELIM);
        List<String> outerVars = vars;
        vars = new ArrayList<>(List.of("$"));
        ItemList body = itemList();
        vars = outerVars;
        if (!body.end().isEnd()) {
            throw error("unexpected " + body.end() + " in " + context);
        }
        defined.put(name, body.list());
        return new Node.TemplateNode(token.pos(), name, pipe);
    }

    private String templateName(Token token, String context) {
        if (token.kind() != Kind.STRING && token.kind() != Kind.RAW_STRING) {
            throw unexpected(token, context);
        }
        return unquote(token);
    }

    private PipeNode pipeline(String context, Kind end) {
        Token first = peekNonSpace();
        List<VariableNode> decl = new ArrayList<>();
        boolean isAssign = parseDeclarations(context, decl);
        List<CommandNode> cmds = new ArrayList<>();
        while (true) {
            Token token = nextNonSpace();
            if (token.kind() == end) {
                checkPipeline(context, cmds);
                return new PipeNode(first.pos(), decl, isAssign, cmds);
            }
            if (!startsOperand(token)) {
                throw unexpected(token, context);
            }
            backup();
            cmds.add(command());
        }
    }

    /** Parses {@code $x :=}, {@code $x =} or {@code $i, $v :=}; returns whether it assigns. */
    private boolean parseDeclarations(String context, List<VariableNode> decl) {
        while (peekNonSpace().kind() == Kind.VARIABLE) {
            int mark = next;
            Token v = next();
            Token after = peekNonSpace();
            if (after.kind() == Kind.ASSIGN || after.kind() == Kind.DECLARE) {
                nextNonSpace();
                decl.add(new VariableNode(v.pos(), List.of(v.text())));
                vars.add(v.text());
                return after.kind() == Kind.ASSIGN;
            }
            if (after.kind() != Kind.CHAR || !after.text().equals(",")) {
                next = mark;
                return false;
            }
            nextNonSpace();
            decl.add(new VariableNode(v.pos(), List.of(v.text())));
            vars.add(v.text());
            if (!context.equals("range") || decl.size() >= 2) {
                throw error("too many declarations in " + context);
            }
            Kind k = peekNonSpace().kind();
            if (k != Kind.VARIABLE && k != Kind.RIGHT_DELIM && k != Kind.RIGHT_PAREN) {
                throw error("range can only initialize variables");
            }
        }
        return false;
    }

    private void checkPipeline(String context, List<CommandNode> cmds) {
        if (cmds.isEmpty()) {
            throw error("missing value for " + context);
        }
        for (int i = 1; i < cmds.size(); i++) {
            Node first = cmds.get(i).args().get(0);
            if (first instanceof BoolNode || first instanceof DotNode || first instanceof NilNode
                    || first instanceof NumberNode || first instanceof StringNode) {
                throw error("non executable command in pipeline stage " + (i + 1));
            }
        }
    }

    private static boolean startsOperand(Token token) {
        return switch (token.kind()) {
            case BOOL, CHAR_CONST, DOT, FIELD, IDENTIFIER, NUMBER, NIL, RAW_STRING, STRING,
                 VARIABLE, LEFT_PAREN -> true;
            default -> false;
        };
    }

    private CommandNode command() {
        List<Node> args = new ArrayList<>();
        int pos = peekNonSpace().pos();
        while (true) {
            peekNonSpace();
            Node operand = operand();
            if (operand != null) {
                args.add(operand);
            }
            Token token = next();
            if (token.kind() == Kind.SPACE) {
                continue;
            }
            if (token.kind() == Kind.RIGHT_DELIM || token.kind() == Kind.RIGHT_PAREN) {
                backup();
            } else if (token.kind() != Kind.PIPE) {
                throw unexpected(token, "operand");
            }
            break;
        }
        if (args.isEmpty()) {
            throw error("empty command");
        }
        return new CommandNode(pos, args);
    }

    private Node operand() {
        Node node = term();
        if (node == null || peek().kind() != Kind.FIELD) {
            return node;
        }
        int chainPos = peek().pos();
        List<String> fields = new ArrayList<>();
        while (peek().kind() == Kind.FIELD) {
            fields.add(next().text().substring(1));
        }
        if (node instanceof FieldNode f) {
            return new FieldNode(chainPos, concat(f.idents(), fields));
        }
        if (node instanceof VariableNode v) {
            return new VariableNode(chainPos, concat(v.idents(), fields));
        }
        if (node instanceof BoolNode || node instanceof StringNode || node instanceof NumberNode
                || node instanceof NilNode || node instanceof DotNode) {
            throw error("unexpected . after term " + GoFormat.quote(node.toString()));
        }
        return new ChainNode(chainPos, node, fields);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Node term() {
        Token token = nextNonSpace();
        return switch (token.kind()) {
            case IDENTIFIER -> identifier(token);
            case DOT -> new DotNode(token.pos());
            case NIL -> new NilNode(token.pos());
            case VARIABLE -> useVar(token);
            case FIELD -> new FieldNode(token.pos(), fieldNames(token.text()));
            case BOOL -> new BoolNode(token.pos(), token.text().equals("true"));
            case NUMBER, CHAR_CONST -> number(token);
            case LEFT_PAREN -> pipeline("parenthesized pipeline", Kind.RIGHT_PAREN);
            case STRING, RAW_STRING -> new StringNode(token.pos(), token.text(), unquote(token));
            default -> {
                backup();
                yield null;
            }
        };
    }

    private Node identifier(Token token) {
        if (!Functions.exists(token.text())) {
            throw error("function " + GoFormat.quote(token.text()) + " not defined");
        }
        return new IdentifierNode(token.pos(), token.text());
    }

    private static List<String> fieldNames(String text) {
        return Arrays.asList(text.substring(1).split("\\."));
    }

    private Node useVar(Token token) {
        List<String> idents = Arrays.asList(token.text().split("\\."));
        if (!vars.contains(idents.get(0))) {
            throw error("undefined variable " + GoFormat.quote(idents.get(0)));
        }
        return new VariableNode(token.pos(), idents);
    }

    private Node number(Token token) {
        try {
            return new NumberNode(token.pos(), token.text(), Literals.number(token.text()));
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private String unquote(Token token) {
        try {
            return Literals.unquote(token.text());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private Token expect(Kind kind, String context) {
        Token token = nextNonSpace();
        if (token.kind() != kind) {
            throw unexpected(token, context);
        }
        return token;
    }

    private static boolean isKeyword(Token token, String word) {
        return token.kind() == Kind.KEYWORD && token.text().equals(word);
    }

    private Token next() {
        return tokens.get(Math.min(next++, tokens.size() - 1));
    }

    private void backup() {
        next--;
    }

    private Token peek() {
        return tokens.get(Math.min(next, tokens.size() - 1));
    }

    private Token nextNonSpace() {
        Token token;
        do {
            token = next();
        } while (token.kind() == Kind.SPACE);
        return token;
    }

    private Token peekNonSpace() {
        Token token = nextNonSpace();
        backup();
        return token;
    }

    private TemplateException unexpected(Token token, String context) {
        if (token.kind() == Kind.ERROR) {
            String extra = actionLine != 0 && actionLine != token.line()
                    ? " in action started at :" + actionLine : "";
            return error(token.text() + extra);
        }
        return error("unexpected " + token + " in " + context);
    }

    private TemplateException error(String message) {
        int line = tokens.get(Math.max(0, Math.min(next, tokens.size()) - 1)).line();
        return new TemplateException("template: :" + line + ": " + message);
    }
}
