package io.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlanTextTest {
    @Test
    void tabsNewlinesAndBackslashesInValuesAreEscapedSoRecordsStayOneLine() {
        String text = new PlanText().add("process.args", "arg", "a\tb\nc\\d").add("x", "cwd", "/")
                .toString();
        assertEquals("arg\ta\\tb\\nc\\\\d\ncwd\t/\n", text);
    }

    @Test
    void aNulCannotBePassedOnAndIsRefusedNamingTheField() {
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> new PlanText().add("process.env", "env", "A=\0"));
        assertTrue(e.getMessage().startsWith("config.json: process.env holds a NUL"),
                e.getMessage());
    }
}
