package io.berth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.convert.InvalidRequestException;
import io.berth.volumes.Volume;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeFilterTest {
    private static final Volume DATA = new Volume("data", Path.of("/v/data/_data"),
            Instant.EPOCH, Map.of("tier", "db", "keep", ""), Map.of());

    private static boolean keeps(List<String> words, boolean dangling) {
        return VolumeFilter.ofWords(words).matches(DATA, dangling);
    }

    @Test
    void eachKeyMustHoldAndANameIsARegularExpressionFoundInIt() {
        assertTrue(keeps(List.of("name=at", "label=tier=db", "label=keep"), true));
        assertTrue(keeps(List.of("name=^d", "name=nomatch"), true));
        assertFalse(keeps(List.of("name=^at"), true));
        assertFalse(keeps(List.of("label=tier=web"), true));
        assertFalse(keeps(List.of("label=tier=db", "label=other"), true));
        assertFalse(keeps(List.of("label!=keep"), true));
        assertTrue(keeps(List.of("driver=local"), true));
    }

    @Test
    void danglingMeansNoContainerHasIt() {
        assertTrue(keeps(List.of("dangling=true"), true));
        assertTrue(keeps(List.of("dangling=0"), false));
        assertFalse(keeps(List.of("dangling=1"), false));
    }

    @Test
    void unknownKeysAndValuesAreRefusedAsDockerdRefusesThem() {
        assertEquals("invalid filter 'dangling=maybe'", assertThrows(
                InvalidRequestException.class,
                () -> VolumeFilter.ofWords(List.of("dangling=maybe"))).getMessage());
        assertEquals("invalid filter 'size'", assertThrows(InvalidRequestException.class,
                () -> VolumeFilter.ofWords(List.of("size=1"))).getMessage());
        assertEquals("invalid filter 'name'", assertThrows(InvalidRequestException.class,
                () -> VolumeFilter.forPrune(VolumeFilter.words(List.of("name=x"))))
                .getMessage());
    }
}
