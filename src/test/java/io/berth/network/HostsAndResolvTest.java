package io.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostsAndResolvTest {
    @Test
    void hostsFileListsLocalhostExtraHostsOwnAddressThenMembers() {
        String text = HostsFile.render(List.of("db.local:10.9.9.9", "gw:host-gateway"),
                "10.77.0.1",
                List.of(new HostsFile.Entry("10.77.0.2", List.of("abc123", "web", "abc123"))),
                List.of(new HostsFile.Entry("10.77.0.3", List.of("db", "database"))));
        assertTrue(text.startsWith("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost"), text);
        assertTrue(text.endsWith("10.9.9.9\tdb.local\n10.77.0.1\tgw\n10.77.0.2\tabc123 web\n"
                + "10.77.0.3\tdb database\n"), text);
    }

    @Test
    void addHostKeepsIpv6AddressesWhole() {
        assertEquals(new HostsFile.Entry("fd00::5", List.of("six")),
                HostsFile.parseExtra("six:fd00::5", null));
    }

    @Test
    void addHostWithoutAddressIsRefused() {
        assertThrows(InvalidNetworkException.class, () -> HostsFile.parseExtra("lonely", null));
        assertThrows(InvalidNetworkException.class,
                () -> HostsFile.parseExtra("gw:host-gateway", null));
    }

    @Test
    void resolvConfDropsTheHostsLoopbackNameservers() {
        String host = "# local resolver\nnameserver 127.0.0.53\nnameserver 192.0.2.53\n"
                + "nameserver ::1\nsearch example.test\noptions edns0\n";
        assertEquals("search example.test\nnameserver 192.0.2.53\noptions edns0\n",
                ResolvConf.render(host, List.of(), List.of(), List.of()));
    }

    @Test
    void resolvConfFlagsReplaceTheHostsValues() {
        String host = "nameserver 192.0.2.53\nsearch example.test\n";
        assertEquals("search a.test b.test\nnameserver 10.0.0.53\noptions ndots:2\n",
                ResolvConf.render(host, List.of("10.0.0.53"), List.of("a.test", "b.test"),
                        List.of("ndots:2")));
    }

    @Test
    void dnsSearchDotClearsTheSearchList() {
        assertEquals("nameserver 192.0.2.53\n", ResolvConf.render(
                "nameserver 192.0.2.53\nsearch example.test\n", null, List.of("."), null));
    }
}
