package io.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortMappingTest {
    @Test
    void containerPortAloneLeavesTheHostPortToChoose() {
        assertEquals(List.of(new PortMapping("", 0, 80, "tcp")), PortMapping.parse("80"));
    }

    @Test
    void hostAndContainerPortWithProtocol() {
        assertEquals(List.of(new PortMapping("", 5353, 53, "udp")),
                PortMapping.parse("5353:53/udp"));
    }

    @Test
    void hostAddressWithEmptyHostPort() {
        assertEquals(List.of(new PortMapping("127.0.0.1", 0, 80, "tcp")),
                PortMapping.parse("127.0.0.1::80"));
        assertEquals(List.of(new PortMapping("127.0.0.1", 8080, 80, "tcp")),
                PortMapping.parse("127.0.0.1:8080:80"));
    }

    @Test
    void rangesExpandPairwise() {
        assertEquals(List.of(new PortMapping("", 8000, 80, "tcp"),
                new PortMapping("", 8001, 81, "tcp")), PortMapping.parse("8000-8001:80-81"));
    }

    @Test
    void aHostPortOfZeroAsksForAFreeOneAsAnEmptyOneDoes() {
        assertEquals(PortMapping.parse("127.0.0.1::80"), PortMapping.parse("127.0.0.1:0:80"));
        assertEquals(PortMapping.parse(":80"), PortMapping.parse("0:80"));
    }

    @Test
    void refusesWhatDockerRefuses() {
        for (String bad : new String[] {"", "0", "70000", "80/icmp", "a:b", "1:2:3:4",
                "300.1.1.1:80:80", "8000-8002:80-81", "81-80"}) {
            assertThrows(InvalidNetworkException.class, () -> PortMapping.parse(bad), bad);
        }
    }

    @Test
    void printsAsDockerPsAndPortDo() {
        PortMapping p = new PortMapping("", 8080, 80, "tcp");
        assertEquals("0.0.0.0:8080->80/tcp", p.toString());
        assertEquals("80/tcp", p.key());
        assertEquals("0.0.0.0", p.hostIpOrAll());
    }

    @Test
    void exposedPortsBecomeMappingsToChoose() {
        assertEquals(new PortMapping("", 0, 53, "udp"), PortMapping.ofExposed("53/udp"));
    }

    @Test
    void ipv6HostAddressesAreRefusedWithAReason() {
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class,
                () -> PortMapping.parse("[::1]:80:80"));
        assertTrue(e.getMessage().contains("IPv6"), e.getMessage());
    }

    @Test
    void publishedPortsPrintAsDockerInspectPortAndPsDo() {
        List<PortMapping> ports = List.of(new PortMapping("", 8080, 80, "tcp"),
                new PortMapping("127.0.0.1", 5353, 53, "udp"));

        assertEquals("{443/tcp=null, 53/udp=[{HostIp=127.0.0.1, HostPort=5353}], "
                + "80/tcp=[{HostIp=0.0.0.0, HostPort=8080}]}",
                PublishedPorts.inspect(ports, List.of("443/tcp", "80/tcp")).toString());
        assertEquals(List.of("80/tcp -> 0.0.0.0:8080", "53/udp -> 127.0.0.1:5353"),
                PublishedPorts.portLines(ports));
        assertEquals("0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp",
                PublishedPorts.psColumn(ports));
    }
}
