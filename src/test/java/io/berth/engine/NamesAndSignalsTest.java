package io.berth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.convert.InvalidRequestException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamesAndSignalsTest {
    @Test
    void idsAreSixtyFourDistinctHexDigits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String id = Names.newId();
            assertTrue(id.matches("[0-9a-f]{64}"), id);
            assertTrue(seen.add(id));
        }
    }

    @Test
    void madeUpNamesAreAdjectiveUnderscoreSurname() {
        for (int i = 0; i < 50; i++) {
            assertTrue(Names.randomName().matches("[a-z]+_[a-z]+"));
        }
    }

    @Test
    void namesFollowDockersRuleAndLoseALeadingSlash() {
        assertEquals("web", Names.validate("/web"));
        assertEquals("a.b-c_1", Names.validate("a.b-c_1"));
        assertThrows(InvalidRequestException.class, () -> Names.validate("-web"));
        assertThrows(InvalidRequestException.class, () -> Names.validate("we b"));
        assertThrows(InvalidRequestException.class, () -> Names.validate(""));
    }

    @Test
    void signalsParseByNameNumberAndRealtimeOffset() {
        assertEquals(15, Signals.parse("TERM"));
        assertEquals(15, Signals.parse("sigterm"));
        assertEquals(9, Signals.parse("9"));
        assertEquals(10, Signals.parse("SIGUSR1"));
        assertEquals(36, Signals.parse("RTMIN+2"));
        assertEquals(63, Signals.parse("RTMAX-1"));
        assertThrows(InvalidRequestException.class, () -> Signals.parse("NOPE"));
        assertThrows(InvalidRequestException.class, () -> Signals.parse("0"));
        assertThrows(InvalidRequestException.class, () -> Signals.parse("65"));
    }

    @Test
    void durationsReadAsDockerPrintsThem() {
        assertEquals("Less than a second", Durations.human(Duration.ofMillis(400)));
        assertEquals("1 second", Durations.human(Duration.ofSeconds(1)));
        assertEquals("45 seconds", Durations.human(Duration.ofSeconds(45)));
        assertEquals("About a minute", Durations.human(Duration.ofSeconds(100)));
        assertEquals("12 minutes", Durations.human(Duration.ofMinutes(12)));
        assertEquals("About an hour", Durations.human(Duration.ofMinutes(70)));
        assertEquals("5 hours", Durations.human(Duration.ofHours(5)));
        assertEquals("3 days", Durations.human(Duration.ofDays(3)));
        assertEquals("3 weeks", Durations.human(Duration.ofDays(21)));
        assertEquals("2 years", Durations.human(Duration.ofDays(800)));
    }
}
