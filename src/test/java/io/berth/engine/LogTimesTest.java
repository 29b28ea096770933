package io.berth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LogTimesTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void goDurationsCountBackFromNow() {
        assertEquals(NOW.minus(Duration.ofMinutes(10)), LogTimes.parse("10m", NOW));
        assertEquals(NOW.minus(Duration.ofMinutes(90)), LogTimes.parse("1h30m", NOW));
        assertEquals(NOW.minus(Duration.ofMinutes(90)), LogTimes.parse("1.5h", NOW));
        assertEquals(NOW.minusMillis(300), LogTimes.parse("300ms", NOW));
        assertEquals(NOW.plusSeconds(5), LogTimes.parse("-5s", NOW), "a negative one is ahead");
    }

    @Test
    void rfc3339TimesKeepTheirZoneAndShorterFormsAreLocal() {
        assertEquals(Instant.parse("2024-05-01T10:00:00Z"),
                LogTimes.parse("2024-05-01T10:00:00Z", NOW));
        assertEquals(Instant.parse("2024-05-01T10:00:00.123456789Z"),
                LogTimes.parse("2024-05-01T12:00:00.123456789+02:00", NOW));
        assertEquals(Instant.parse("2024-05-01T10:30:00Z"),
                LogTimes.parse("2024-05-01T10:30Z", NOW));
        ZoneId local = ZoneId.systemDefault();
        assertEquals(LocalDate.of(2024, 5, 1).atStartOfDay(local).toInstant(),
                LogTimes.parse("2024-05-01", NOW));
        assertEquals(LocalDateTime.of(2024, 5, 1, 9, 15).atZone(local).toInstant(),
                LogTimes.parse("2024-05-01T09:15", NOW));
    }

    @Test
    void unixTimestampsTakeAFraction() {
        assertEquals(Instant.ofEpochSecond(1714557600), LogTimes.parse("1714557600", NOW));
        assertEquals(Instant.ofEpochSecond(1714557600, 500_000_000),
                LogTimes.parse("1714557600.5", NOW));
        assertEquals(Instant.EPOCH, LogTimes.parse("0", NOW), "0 is a timestamp, not a duration");
    }

    @Test
    void anythingElseIsRefusedWithTheValueNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogTimes.parse("yesterday", NOW));
        assertEquals("failed to parse value as time or duration: \"yesterday\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogTimes.parse("2024-13-01", NOW));
    }
}
