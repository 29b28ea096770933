package io.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubnetTest {
    @Test
    void parsesAndPrintsCidr() {
        Subnet s = Subnet.parse("10.77.0.0/16");
        assertEquals("10.77.0.0/16", s.toString());
        assertEquals("10.77.0.1", s.address(1));
        assertEquals(65536, s.size());
    }

    @Test
    void refusesHostBitsAndNamesTheNetworkMeant() {
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class,
                () -> Subnet.parse("10.77.1.5/16"));
        assertTrue(e.getMessage().contains("10.77.0.0/16"), e.getMessage());
    }

    @Test
    void refusesMalformedAddresses() {
        for (String bad : new String[] {"10.77.0/16", "10.77.0.256/24", "a.b.c.d/8", "10.0.0.0",
                "10.0.0.0/33", "10.0.0.0/"}) {
            assertThrows(InvalidNetworkException.class, () -> Subnet.parse(bad), bad);
        }
    }

    @Test
    void overlapIsSymmetricAndExact() {
        Subnet wide = Subnet.parse("10.78.0.0/16");
        Subnet inside = Subnet.parse("10.78.5.0/24");
        Subnet beside = Subnet.parse("10.79.0.0/24");
        assertTrue(wide.overlaps(inside));
        assertTrue(inside.overlaps(wide));
        assertFalse(wide.overlaps(beside));
        assertFalse(beside.overlaps(wide));
    }

    @Test
    void containsOnlyItsOwnAddresses() {
        Subnet s = Subnet.parse("192.168.7.0/24");
        assertTrue(s.contains("192.168.7.255"));
        assertFalse(s.contains("192.168.8.0"));
    }
}
