package io.berth.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The template language. Unless a test says otherwise, each expected text is what the docker
 * CLI 28.2.2 printed for the same template ({@code docker context inspect --format}, whose
 * data has the same Name, Storage and Endpoints as {@link #DATA}).
 */
class TemplateTest {
    private static final Map<String, Object> DATA = Map.of(
            "Name", "default",
            "Storage", Map.of("MetadataPath", "<IN MEMORY>", "TLSPath", "<IN MEMORY>"),
            "Endpoints", Map.of("docker",
                    Map.of("Host", "unix:///var/run/docker.sock", "SkipTLSVerify", false)));

    private static String run(String template) {
        return Template.parse(template).execute(DATA);
    }

    private static void assertFails(String expectedMessage, String template) {
        TemplateException e = assertThrows(TemplateException.class, () -> run(template));
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void fieldsAndNestedFieldsLookUpMapKeys() {
        assertEquals("default, <IN MEMORY>", run("{{.Name}}, {{.Storage.TLSPath}}"));
        assertEquals("unix:///var/run/docker.sock", run("{{.Endpoints.docker.Host}}"));
    }

    @Test
    void missingKeysPrintNoValueLikeGoMaps() {
        // Go's documented map semantics; docker's struct data cannot show this.
        assertEquals("<no value>|<no value>|<no value>",
                run("{{.Endpoints.nope}}|{{.Nope.x}}|{{index .Storage \"nope\"}}"));
    }

    @Test
    void textOutsideActionsIsCopiedUnchanged() {
        assertEquals("a {b} c\n", run("a {b} c\n"));
    }

    @Test
    void trimMarkersEatTheWhitespaceBesideThem() {
        assertEquals("ab  cd", run("{{- \"a\" -}}   {{- \"b\" }}  {{ \"c\" -}}  d"));
        assertEquals("ab", run("{{/* c */}}a{{- /* c */ -}}  b"));
    }

    @Test
    void actionsMaySpanLinesAndTrimAroundElse() {
        assertEquals("docker: unix:///var/run/docker.sock", run("{{range $k, $v := .Endpoints -}}\n"
                + "  {{ $k }}: {{ $v.Host }}\n{{- else -}}\n  none\n{{- end }}"));
        assertEquals("line1\nmulti-line action", run("line1\n{{ if eq .Name\n      \"default\" }}"
                + "multi-line action{{ end }}"));
        assertEquals("DEFAULT", run("{{ printf \"%s\"\n  .Name | upper }}"));
    }

    @Test
    void stringEscapesDecodeAsInGo() {
        assertEquals("éAA😀|\"\\x00\\x7f\\u00a0\\u200b\"",
                run("{{ \"\\u00e9\\x41\\101\\U0001F600\" }}|"
                        + "{{ printf \"%q\" \"\\x00\\x7f\\u00a0\\u200b\" }}"));
    }

    @Test
    void literalsPrintAsGoPrintsConstants() {
        assertEquals("1 -1 31 1000 15 97 1000 0.5 5 15 true a\tb raw\\n",
                run("{{ 1 }} {{ -1 }} {{ 0x1F }} {{ 1_000 }} {{ 017 }} {{ 'a' }} {{ 1e3 }} "
                        + "{{ .5 }} {{ 0b101 }} {{ 0o17 }} {{ true }} {{ \"a\\tb\" }} "
                        + "{{ `raw\\n` }}"));
    }

    @Test
    void floatsPrintInGosShortestForm() {
        assertEquals("3 1e+100 1.5e-07 -0 100000 1e+06 1.23456789e+08",
                run("{{3.0}} {{1e100}} {{1.5e-7}} {{-0.0}} {{100000.0}} {{1000000.0}} "
                        + "{{123456789.0}}"));
    }

    @Test
    void pipelinesPassTheValueAsTheLastArgument() {
        assertEquals("default!|y-x|7|default", run("{{.Name | printf \"%s!\"}}|"
                + "{{\"x\" | printf \"%s-%s\" \"y\"}}|{{.Name | len}}|{{.Name | upper | lower}}"));
        assertEquals("a|<IN MEMORY>", run("{{.Storage.TLSPath | printf \"%s|%s\" \"a\"}}"));
        assertEquals("true", run("{{ .Name | eq \"default\" }}"));
    }

    @Test
    void variablesAreDeclaredAssignedAndScopedToTheirBlock() {
        assertEquals("123", run("{{$x := 1}}{{$x}}{{$x = 2}}{{$x}}{{if true}}{{$x = 3}}{{end}}"
                + "{{$x}}"));
        assertEquals("default-a-default default-b-default ",
                run("{{$n := .Name}}{{range split \"a b\" \" \"}}{{$n}}-{{.}}-{{$.Name}} {{end}}"));
        assertEquals("default", run("{{with $x := .Name}}{{$x}}{{end}}"));
        assertEquals("x[x y]", run("{{$a := split \"x y\" \" \"}}{{index $a 0}}{{$a}}"));
    }

    @Test
    void ifElseIfAndWithElseChooseTheirBranch() {
        assertEquals("yes", run("{{if and .Name (eq .Name \"default\")}}yes{{else}}no{{end}}"));
        // Go's documented semantics on a map: a missing key is false.
        assertEquals("b", run("{{if .Nope}}a{{else if .Name}}b{{else}}c{{end}}"));
        assertEquals("<IN MEMORY>|empty|default", run("{{with .Storage}}{{.TLSPath}}{{end}}|"
                + "{{with .Nope}}x{{else}}empty{{end}}|"
                + "{{with .Nope}}x{{else with .Name}}{{.}}{{end}}"));
    }

    @Test
    void rangeGivesIndexAndElementAndHonoursBreakAndContinue() {
        assertEquals("0:a 1:b 2:c ",
                run("{{range $i, $e := split \"a,b,c\" \",\"}}{{$i}}:{{$e}} {{end}}"));
        assertEquals("ac", run("{{range split \"a,b,c,d\" \",\"}}{{if eq . \"b\"}}{{continue}}"
                + "{{end}}{{if eq . \"d\"}}{{break}}{{end}}{{.}}{{end}}"));
        assertEquals("012", run("{{range 3}}{{.}}{{end}}"));
    }

    @Test
    void rangeOverNothingRunsItsElse() {
        assertEquals("none", run("{{range .Endpoints.nope}}{{.}}{{else}}none{{end}}"));
    }

    @Test
    void rangeOverAMapVisitsKeysInSortedOrder() {
        Map<String, Object> data = Map.of("M", Map.of("b", 2, "a", 1, "c", 3));
        assertEquals("a=1 b=2 c=3 ", Template.parse("{{range $k, $v := .M}}{{$k}}={{$v}} {{end}}")
                .execute(data));
    }

    @Test
    void definedTemplatesAndBlocksRunWithTheirOwnDot() {
        assertEquals("[default][x]<5>", run("{{define \"T\"}}[{{.}}]{{end}}{{template \"T\" .Name}}"
                + "{{template \"T\" \"x\"}}{{block \"B\" 5}}<{{.}}>{{end}}"));
        assertEquals("x", run("{{define \"a\"}}{{end}}{{define \"a\"}}x{{end}}{{template \"a\"}}"));
    }

    @Test
    void parenthesizedPipelinesCanBeFollowedByFields() {
        assertEquals("unix:///var/run/docker.sock", run("{{(index .Endpoints \"docker\").Host}}"));
        assertEquals("unix:///var/run/docker.sock",
                run("{{printf \"%v\" (index .Endpoints \"docker\").Host}}"));
    }

    @Test
    void valuesPrintAsGoPrintsListsAndMaps() {
        List<Object> list = new ArrayList<>(List.of("a", 1L, 2.5, true));
        list.add(null);
        Map<String, Object> data = Map.of("L", list, "M", Map.of("z", List.of(), "a", Map.of()));
        assertEquals("[a 1 2.5 true <nil>] map[a:map[] z:[]]",
                Template.parse("{{.L}} {{.M}}").execute(data));
    }

    @Test
    void syntaxErrorsUseGosWords() {
        assertParseFails("template: :1: bad character U+007D '}'", "{{.Name}");
        assertParseFails("template: :1: unclosed action", "{{.Name");
        assertParseFails("template: :1: unexpected EOF", "{{if .Name}}x");
        assertParseFails("template: :1: unexpected {{end}}", "{{end}}");
        assertParseFails("template: :1: unexpected {{else}}", "{{else}}");
        assertParseFails("template: :1: function \"nofunc\" not defined", "{{nofunc 1}}");
        assertParseFails("template: :1: missing value for range", "{{range}}{{end}}");
        assertParseFails("template: :1: missing value for if", "{{if}}{{end}}");
        assertParseFails("template: :1: undefined variable \"$x\"", "{{$x}}");
        assertParseFails("template: :1: undefined variable \"$x\"",
                "{{with $x := 1}}{{$x}}{{end}}{{$x}}");
        assertParseFails("template: :1: unterminated quoted string", "{{\"abc}}");
        assertParseFails("template: :1: unclosed left paren", "{{(1}}");
        assertParseFails("template: :1: {{break}} outside {{range}}", "{{break}}");
        assertParseFails("template: :1: {{continue}} outside {{range}}", "{{continue}}");
        assertParseFails("template: :1: unexpected \"1\" in {{break}}",
                "{{range .}}{{break 1}}{{end}}");
        assertParseFails("template: :1: non executable command in pipeline stage 2", "{{ 1 | 2 }}");
        assertParseFails("template: :1: unclosed comment", "{{/* unclosed");
        assertParseFails("template: :1: comment ends before closing delimiter", "{{/* ok */ }}");
        assertParseFails("template: :1: too many declarations in range",
                "{{range $i, $j, $k := .}}{{end}}");
        assertParseFails("template: :1: too many declarations in command", "{{$x, $y := 1}}");
        assertParseFails("template: :1: unexpected \":=\" in operand", "{{ .Name := 1 }}");
        assertParseFails("template: :1: unexpected . after term \"\\\"a\\\"\"", "{{\"a\".X}}");
        assertParseFails("template: :1: integer overflow: \"99999999999999999999\"",
                "{{ 99999999999999999999 }}");
        assertParseFails("template: :2: unexpected \"}\" in operand", "a\n{{ .Name }");
    }

    @Test
    void theSyntaxErrorNamesTheLineItIsOn() {
        assertParseFails("template: :3: missing value for if", "a\nb\n{{if}}{{end}}");
    }

    private static void assertParseFails(String expectedMessage, String template) {
        TemplateException e = assertThrows(TemplateException.class, () -> Template.parse(template));
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void executionErrorsGiveLineColumnAndTheFailingNode() {
        assertFails("template: :1:2: executing \"\" at <1>: can't give argument to non-function 1",
                "{{1 2}}");
        // On map data Go names the interface type the map holds; docker's struct said string.
        assertFails("template: :1:7: executing \"\" at <.Name.X>: can't evaluate field X in type "
                + "interface {}", "{{.Name.X}}");
        assertFails("template: :1:2: executing \"\" at <nil>: nil is not a command", "{{nil}}");
        assertFails("template: :1:11: executing \"\" at <{{template \"nope\"}}>: template "
                + "\"nope\" not defined", "{{template \"nope\"}}");
        assertFails("template: :1:8: executing \"\" at <.Name>: range can't iterate over default",
                "{{range .Name}}{{end}}");
        assertFails("template: :1:3: executing \"\" at <.Name>: can't evaluate field X in type "
                + "string", "{{(.Name).X}}");
        assertFails("template: :2:8: executing \"\" at <.Name.X>: can't evaluate field X in type "
                + "interface {}", "x\n{{ .Name.X}}");
    }

    @Test
    void argumentsOfTheWrongTypeAreRefusedAsGoRefusesThem() {
        assertFails("template: :1:8: executing \"\" at <1>: expected string; found 1",
                "{{upper 1}}");
        assertFails("template: :1:10: executing \"\" at <\"a\">: expected integer; found \"a\"",
                "{{pad \"x\" \"a\" 1}}");
        assertFails("template: :1:2: executing \"\" at <pad>: wrong number of args for pad: "
                + "want 3 got 2", "{{pad \"x\" 1}}");
        assertFails("template: :1:9: executing \"\" at <1>: expected string; found 1",
                "{{printf 1}}");
        assertFails("template: :1:2: executing \"\" at <index>: wrong number of args for index: "
                + "want at least 1 got 0", "{{index}}");
        assertFails("template: :1:2: executing \"\" at <json>: wrong number of args for json: "
                + "want 1 got 0", "{{json}}");
        assertFails("template: :1:2: executing \"\" at <call .Name>: error calling call: "
                + "non-function .Name of type string", "{{call .Name}}");
    }

    @Test
    void aMapFieldWithArgumentsIsNotAMethod() {
        // Go's words for a map; docker's struct data says "cannot be invoked as function".
        assertFails("template: :1:2: executing \"\" at <.Name>: Name is not a method but has "
                + "arguments", "{{.Name 1}}");
    }

    @Test
    void aMethodValueInAMapIsCalledWithTheTemplatesArguments() {
        Map<String, Object> row = Map.of("Label",
                (Template.Method) args -> "label " + args.get(0));
        assertEquals("label com.x", Template.parse("{{.Label \"com.x\"}}").execute(row));
        assertEquals("label y", Template.parse("{{\"y\" | .Label}}").execute(row));
    }

    @Test
    void missingKeyErrorRefusesAbsentKeysButNotNullOnes() {
        Map<String, Object> data = new java.util.HashMap<>();
        data.put("Present", null);
        Template strict = Template.parse("{{.Present}}{{.Absent}}").missingKeyError();
        TemplateException e = assertThrows(TemplateException.class, () -> strict.execute(data));
        assertEquals("template: :1:14: executing \"\" at <.Absent>: map has no entry for key "
                + "\"Absent\"", e.getMessage());
    }

    @Test
    void onStructsAFieldTheDataLacksIsAnErrorButAGoMapsMissingKeyIsNoValue() {
        Map<String, Object> row = Map.of("Names", "web", "Labels", new GoMap(Map.of("a", "b")),
                "State", Map.of("Status", "running"));
        Template nope = Template.parse("{{.Nope}}").structs("*formatter.ContainerContext");
        TemplateException e = assertThrows(TemplateException.class, () -> nope.execute(row));
        assertEquals("template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in "
                + "type *formatter.ContainerContext", e.getMessage());
        assertThrows(TemplateException.class,
                () -> Template.parse("{{.State.Nope}}").structs("T").execute(row));
        TemplateException ofString = assertThrows(TemplateException.class,
                () -> Template.parse("{{.Names.x}}").structs("T").execute(row));
        assertEquals("template: :1:8: executing \"\" at <.Names.x>: can't evaluate field x in "
                + "type string", ofString.getMessage());
        assertEquals("b <no value> running", Template.parse("{{.Labels.a}} {{.Labels.nope}} "
                + "{{.State.Status}}").structs("T").execute(row));
        assertEquals("<no value>", Template.parse("{{.Nope}}").execute(row));
    }
}
