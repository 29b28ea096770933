package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FileCapabilityTest {
    private static final IdShift SHIFT = new IdShift(0x30000, 65536);

    @Test
    void aRevisionTwoCapabilityBecomesRevisionThreeForTheShiftedRoot() {
        assertEquals("0100000300200000000000000000000000000000" + "00000300",
                shifted("0100000200200000000000000000000000000000"));
    }

    @Test
    void aRevisionThreeCapabilityKeepsItsRootShiftedAndARevisionOneOneIsWidened() {
        assertEquals("0100000300200000000000000000000000000000" + "e8030300",
                shifted("0100000300200000000000000000000000000000" + "e8030000"));
        assertEquals("0000000304000000000000000000000000000000" + "00000300",
                shifted("000000010400000000000000"));
    }

    @Test
    void aValueOfNoKnownRevisionOrSizeIsLeftAsItIs() {
        assertEquals("01000002002000", shifted("01000002002000"));
        assertEquals("0100000900200000000000000000000000000000",
                shifted("0100000900200000000000000000000000000000"));
    }

    private static String shifted(String hex) {
        return HexFormat.of().formatHex(FileCapability.shifted(HexFormat.of().parseHex(hex),
                SHIFT));
    }
}
