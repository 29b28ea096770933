package io.berth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.convert.ContainerRequest;
import io.berth.convert.InvalidRequestException;
import io.berth.runtime.LogRotation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {
    private static LogSettings settings(String driver, Map<String, String> opts) {
        return LogSettings.of(ContainerRequest.builder("busybox").logDriver(driver)
                .logOpts(opts).build());
    }

    private static String refusal(String driver, Map<String, String> opts) {
        return assertThrows(InvalidRequestException.class, () -> settings(driver, opts))
                .getMessage();
    }

    @Test
    void sizesTakeDockersDecimalUnits() {
        assertEquals(10_000, LogSettings.size("10k"));
        assertEquals(10_000, LogSettings.size("10kb"));
        assertEquals(3_000_000, LogSettings.size("3M"));
        assertEquals(1_500_000_000L, LogSettings.size("1.5g"));
        assertEquals(512, LogSettings.size("512"));
    }

    @Test
    void maxSizeAndMaxFileBecomeTheMonitorsRotation() {
        assertEquals(new LogRotation(10_000, 3),
                settings(null, Map.of("max-size", "10k", "max-file", "3")).rotation());
        assertEquals(new LogRotation(1_000_000, 1),
                settings("json-file", Map.of("max-size", "1m")).rotation(),
                "max-file defaults to 1: the file is cut when full");
        assertNull(settings(null, Map.of("max-file", "3")).rotation(),
                "max-file alone has no effect, as with docker");
        assertNull(settings(null, null).rotation());
        assertEquals(new LogRotation(20L << 20, 5), settings("local", null).rotation());
    }

    @Test
    void inspectShowsTheDriverAndTheOptionsAsGiven() {
        assertEquals(Map.of("Type", "json-file", "Config", Map.of("max-size", "10k",
                "max-file", "3")), settings(null, Map.of("max-size", "10k", "max-file", "3"))
                .inspect());
        assertEquals(Map.of("Type", "none", "Config", Map.of()), settings("none", null)
                .inspect());
    }

    @Test
    void badValuesAreRefusedWithDockersWords() {
        assertEquals("invalid size: 'ten'", refusal(null, Map.of("max-size", "ten")));
        assertEquals("invalid size: '-1k'", refusal(null, Map.of("max-size", "-1k")));
        assertEquals("max-size must be a positive number", refusal(null,
                Map.of("max-size", "0")));
        assertEquals("max-file cannot be less than 1", refusal(null, Map.of("max-size", "1k",
                "max-file", "0")));
        assertEquals("strconv.Atoi: parsing \"x\": invalid syntax", refusal(null,
                Map.of("max-file", "x")));
        assertEquals("unknown log opt 'max-sise' for json-file log driver", refusal(null,
                Map.of("max-sise", "1k")));
        assertEquals("unknown log opt 'max-size' for none log driver", refusal("none",
                Map.of("max-size", "1k")));
        assertEquals("logger: no log driver named 'syslogg' is registered", refusal("syslogg",
                null));
    }
}
