package io.berth.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Go's builtin functions and docker's. Each expected text is what the docker CLI 28.2.2 printed
 * for the same template.
 */
class TemplateFunctionsTest {
    private static final Map<String, Object> DATA = Map.of(
            "Name", "default", "Storage", Map.of("TLSPath", "<IN MEMORY>"));

    private static String run(String template) {
        return Template.parse(template).execute(DATA);
    }

    private static void assertFails(String expectedMessage, String template) {
        TemplateException e = assertThrows(TemplateException.class, () -> run(template));
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void printfFormatsFloatsWithGosVerbs() {
        assertEquals("1 1e-05 0.0001 123456 1.234567e+06",
                run("{{printf \"%v %v %v %v %v\" 1.0 0.00001 0.0001 123456.0 1234567.0}}"));
        assertEquals("  3.14|42      |-003.142|+5|6869|FF|10|101|1.234568e+03|1.230000E-04|1e-07"
                + "|1E+21", run("{{printf \"%6.2f|%-8d|%08.3f|%+d|%x|%X|%o|%b|%e|%E|%g|%G\" "
                + "3.14159 42 -3.14159 5 \"hi\" 255 8 5 1234.5678 0.000123 1e-7 1e21}}"));
        assertEquals("0.000000e+00 0 1.2e+04 1e-05 0.1 1E-10",
                run("{{printf \"%e\" 0.0}} {{printf \"%g\" 0.0}} {{printf \"%.2g\" 12345.0}} "
                        + "{{printf \"%g\" 1e-5}} {{printf \"%.10g\" 0.1}} "
                        + "{{printf \"%G\" 1e-10}}"));
        assertEquals(" 45.68%", run("{{printf \"%6.2f%%\" 45.678}}"));
    }

    @Test
    void printfRoundsHalfToEvenOnTheExactBinaryValue() {
        assertEquals("2|4|1e+08|1.23e+03|     3.142", run("{{printf \"%.0f|%.0f|%g|%.3g|%10.4v\" "
                + "2.5 3.5 100000000.0 1234.0 3.14159}}"));
    }

    @Test
    void printfPadsAndPrefixesIntegersAndStrings() {
        assertEquals("000ab|ab   |    x|68c3a9|68 c3 a9|0x68c3a9|6869",
                run("{{printf \"%05s|%-5s|%5.1s|%x|% x|%#x|%X\" \"ab\" \"ab\" \"xyz\" "
                        + "\"hé\" \"hé\" \"hé\" \"hi\"}}"));
        assertEquals("0x000000ff|-0000042|+1.235e+04|x         |",
                run("{{printf \"%#08x|%08d|%+.3e|%-10v|\" 255 -42 12345.678 \"x\"}}"));
        assertEquals("123456789012 -ff      007  5 +0.00",
                run("{{printf \"%d\" 123456789012}} {{printf \"%x\" -255}} {{printf \"%08.3d\" 7}} "
                        + "{{printf \"% d\" 5}} {{printf \"%+.2f\" 0.0}}"));
        assertEquals("    1|2   |3.14", run("{{printf \"%*d|%-*d|%.*f\" 5 1 4 2 2 3.14159}}"));
    }

    @Test
    void printfQuotesRunesAndStrings() {
        assertEquals("A U+0041 'A' true false ab   \"a\"", run("{{printf \"%c %U %q %t %5t %.2s "
                + "%5.1q\" 65 65 65 true false \"abcdef\" \"abcdef\"}}"));
        assertEquals("   bc|7   |\"a`b\"|\"\\u00e9\"|\"s\"|1|true",
                run("{{printf \"%5v|%-4d|%#q|%+q|%#v|%#v|%#v\" (slice \"abc\" 1) 7 \"a`b\" \"é\" "
                        + "\"s\" 1.0 true}}"));
        assertEquals("\"/web\"", Template.parse("{{printf \"%q\" .Name}}")
                .execute(Map.of("Name", "/web")));
    }

    @Test
    void printfMarksMissingExtraAndMismatchedArguments() {
        assertEquals("%!d(MISSING) %!s(MISSING)|1%!(EXTRA int=2, string=x)",
                run("{{printf \"%d %s\"}}|{{printf \"%d\" 1 2 \"x\"}}"));
        assertEquals("%!d(string=default)", run("{{printf \"%d\" .Name}}"));
        assertEquals("%!!(MISSING)|%!(NOVERB)|%!z(int=1)|%", run("{{printf \"%!\"}}|"
                + "{{printf \"%\"}}|{{printf \"%z\" 1}}|{{printf \"%%\"}}"));
        assertEquals("a %!s(MISSING)", run("{{printf \"%s %s\" \"a\"}}"));
    }

    @Test
    void printfAppliesTheVerbToEachElementOfAList() {
        assertEquals("[a b]|[a b]|[%!d(string=a) %!d(string=b)]", run("{{printf \"%v|%s|%d\" "
                + "(split \"a b\" \" \") (split \"a b\" \" \") (split \"a b\" \" \")}}"));
        assertEquals("[\"a\" \"b\"]|[61 62]",
                run("{{printf \"%q|%x\" (split \"a b\" \" \") (split \"a b\" \" \")}}"));
    }

    @Test
    void printfNamesGoTypes() {
        assertEquals("int float64 string bool", run("{{printf \"%T %T %T %T\" 1 1.5 \"s\" true}}"));
    }

    @Test
    void printAddsSpacesOnlyBetweenNonStringsAndPrintlnAlways() {
        assertEquals("1 2ab3 <nil>|1 a\n|",
                run("{{print 1 2 \"a\" \"b\" 3 nil}}|{{println 1 \"a\"}}|{{print}}"));
    }

    @Test
    void escapersFollowGo() {
        assertEquals("a\\\"b\\u003Cc\\u003E\\u0026d\\u003De\\'f\\\\g\\u000A\\u0009|"
                        + "&lt;a href=&#34;x&#34;&gt;&amp;&#39;|a+b%26c%3Dd%2F%C3%A9~%2A",
                run("{{js \"a\\\"b<c>&d=e'f\\\\g\\n\\t\"}}|{{html \"<a href=\\\"x\\\">&'\"}}|"
                        + "{{urlquery \"a b&c=d/é~*\"}}"));
        assertEquals("&lt;IN MEMORY&gt;1|1 2|ab",
                run("{{html .Storage.TLSPath 1}}|{{js 1 2}}|{{urlquery \"a\" \"b\"}}"));
    }

    @Test
    void jsonWritesGoNumbersAndLeavesHtmlUnescaped() {
        assertEquals("1e+21 100000000000000000000 1e-7 1.5 \"a\\u2028\\b\\f\\u0001\"",
                run("{{json 1e21}} {{json 1e20}} {{json 0.0000001}} {{json 1.5}} "
                        + "{{json \"a\\u2028\\b\\f\\x01\"}}"));
        assertEquals("{\"TLSPath\":\"<IN MEMORY>\"}", run("{{json .Storage}}"));
        assertEquals("123 true null \"<>&\" [\"a\",\"b\"]", run("{{json 123}} {{json true}} "
                + "{{json nil}} {{json \"<>&\"}} {{json (split \"a b\" \" \")}}"));
    }

    @Test
    void dockersStringFunctionsBehaveAsDockers() {
        assertEquals("a-b-c|Hello WORLD Foo_bar X-Y|abc|ABC|  x   ||abc|ab",
                run("{{join (split \"a:b:c\" \":\") \"-\"}}|{{title \"hello wORLD foo_bar x-y\"}}|"
                        + "{{lower \"ABC\"}}|{{upper \"abc\"}}|{{pad \"x\" 2 3}}|{{pad \"\" 2 3}}|"
                        + "{{truncate \"abcdef\" 3}}|{{truncate \"ab\" 5}}"));
    }

    @Test
    void caseFunctionsMapRuneByRuneAsGoDoes() {
        assertEquals("|default|Élan Vital|STRAßE", run("{{ truncate .Name 0 }}|"
                + "{{ pad .Name 0 0 }}|{{ title \"élan vital\" }}|{{ upper \"straße\" }}"));
    }

    @Test
    void plusWithVerbVIsNotASign() {
        assertEquals(" \"ab\"|\"a\"     |0000000é|3|", run("{{ printf \"%5.2q|%-8q|%08s|%+v|%x\" "
                + "\"abc\" \"a\" \"é\" 3 \"\" }}"));
    }

    @Test
    void comparisonsWorkWithinOneBasicKind() {
        assertEquals("true true true true true true false true",
                run("{{eq 1 1}} {{eq 1 2 3 1}} {{ne \"a\" \"b\"}} {{lt 1 2}} {{le 2 2}} "
                        + "{{gt \"b\" \"a\"}} {{ge 1.5 2.5}} {{eq .Name \"default\"}}"));
        assertFails("template: :1:2: executing \"\" at <eq 1 1.0>: error calling eq: "
                + "incompatible types for comparison", "{{eq 1 1.0}}");
    }

    @Test
    void comparingAMissingValueIsFalseForEqAndAnErrorForOrdering() {
        // Go's documented semantics on a map.
        assertEquals("false", run("{{eq .Nope \"x\"}}"));
        assertFails("template: :1:2: executing \"\" at <lt .Nope 1>: error calling lt: "
                + "invalid type for comparison", "{{lt .Nope 1}}");
    }

    @Test
    void andOrReturnTheDecidingArgument() {
        // Go's documented semantics for and, or and not.
        assertEquals("0 2 x  true false <no value>", run("{{and 1 0 2}} {{and 1 2}} "
                + "{{or 0 \"\" \"x\"}} {{or 0 \"\"}} {{not 0}} {{not .Name}} {{and .Nope 1}}"));
    }

    @Test
    void andStopsBeforeAnArgumentThatWouldFail() {
        assertEquals("false", run("{{and false (index .Nope 1)}}"));
    }

    @Test
    void lenCountsBytesElementsAndKeys() {
        assertEquals("7 1 6 2", run("{{len .Name}} {{len .Storage}} {{len \"héllo\"}} "
                + "{{len (split \"a b\" \" \")}}"));
        assertFails("template: :1:2: executing \"\" at <len 3>: error calling len: len of type int",
                "{{len 3}}");
        assertFails("template: :1:2: executing \"\" at <len .Storage.nope>: error calling len: "
                + "reflect: call of reflect.Value.Type on zero Value", "{{len .Storage.nope}}");
    }

    @Test
    void indexAndSliceReachIntoListsStringsAndMaps() {
        assertEquals("c|98|<IN MEMORY>", run("{{index (split \"a b c\" \" \") 2}}|"
                + "{{index \"abc\" 1}}|{{index .Storage \"TLSPath\"}}"));
        assertEquals("bc|[b c d]|abc", run("{{slice \"abcdef\" 1 3}}|"
                + "{{slice (split \"a b c d\" \" \") 1}}|{{slice \"abc\"}}"));
    }

    @Test
    void indexAndSliceRefuseBadPositionsInGosWords() {
        assertFails("template: :1:2: executing \"\" at <index (split \"a b\" \" \") 5>: error "
                + "calling index: index out of range: 5", "{{index (split \"a b\" \" \") 5}}");
        assertFails("template: :1:2: executing \"\" at <index .Storage 1>: error calling index: "
                + "value has type int; should be string", "{{index .Storage 1}}");
        assertFails("template: :1:2: executing \"\" at <index .Storage.nope \"x\">: error "
                + "calling index: index of untyped nil", "{{index .Storage.nope \"x\"}}");
        assertFails("template: :1:2: executing \"\" at <slice \"abc\" 2 1>: error calling slice: "
                + "invalid slice index: 2 > 1", "{{slice \"abc\" 2 1}}");
        assertFails("template: :1:3: executing \"\" at <index \"abc\" 3>: error calling index: "
                + "reflect: string index out of range", "{{ index \"abc\" 3 }}");
    }
}
