package io.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Network definitions: no namespace, bridge or plugin is touched until a container attaches. */
class NetworkServiceTest {
    @TempDir
    Path root;

    private NetworkService service() {
        return new NetworkService(root.resolve("state"), Path.of("/usr/lib/cni"),
                root.resolve("cache"));
    }

    @Test
    void listShowsThePredefinedNetworksLikeDocker() {
        List<Network> all = service().list();

        assertEquals(List.of("bridge", "host", "none"), all.stream().map(Network::name).toList());
        Network bridge = all.getFirst();
        assertEquals(NetworkService.DEFAULT_SUBNET, bridge.subnet());
        assertEquals("10.77.0.1", bridge.gateway());
        assertEquals("berth0", bridge.bridge());
        assertEquals(List.of("bridge", "host", "null"), all.stream().map(Network::driver)
                .toList());
    }

    @Test
    void createWritesAConflistThePluginsCanRead() throws Exception {
        Network n = service().create(NetworkRequest.named("web")
                .withSubnet("10.200.3.0/24", "10.200.3.254").withLabels(Map.of("a", "b")));

        JsonNode list = JsonFiles.MAPPER.readTree(
                root.resolve("state/networks/web.conflist").toFile());
        assertEquals("web", list.path("name").asText());
        JsonNode bridge = list.path("plugins").get(0);
        assertEquals("bridge", bridge.path("type").asText());
        assertEquals(n.bridge(), bridge.path("bridge").asText());
        assertFalse(bridge.path("ipMasq").asBoolean(true));
        assertEquals("10.200.3.254", bridge.at("/ipam/ranges/0/0/gateway").asText());
        assertEquals(root.resolve("state/ipam").toString(), bridge.at("/ipam/dataDir").asText());
        assertEquals(Map.of("a", "b"), service().inspect("web").labels());
    }

    @Test
    void subnetsAreChosenFromTheUserPoolWithoutOverlap() {
        NetworkService s = service();
        Network a = s.create(NetworkRequest.named("a"));
        Network b = s.create(NetworkRequest.named("b"));

        assertTrue(Subnet.parse(NetworkService.USER_POOL).overlaps(Subnet.parse(a.subnet())));
        assertFalse(Subnet.parse(a.subnet()).overlaps(Subnet.parse(b.subnet())));
        // berthN, the first names no host link has (another root's networks may hold some).
        assertTrue(a.bridge().matches("berth[1-9][0-9]*"), a.bridge());
        assertTrue(b.bridge().matches("berth[1-9][0-9]*"), b.bridge());
        assertFalse(a.bridge().equals(b.bridge()));
    }

    @Test
    void duplicateNamesAndOverlappingSubnetsAreRefused() {
        NetworkService s = service();
        s.create(NetworkRequest.named("one").withSubnet("10.201.0.0/16", null));

        assertThrows(NetworkConflictException.class,
                () -> s.create(NetworkRequest.named("one").withSubnet("10.202.0.0/16", null)));
        assertThrows(NetworkConflictException.class, () -> s.create(NetworkRequest.named("host")));
        NetworkConflictException overlap = assertThrows(NetworkConflictException.class,
                () -> s.create(NetworkRequest.named("two").withSubnet("10.201.7.0/24", null)));
        assertEquals("subnet 10.201.7.0/24 overlaps subnet 10.201.0.0/16 of network one",
                overlap.getMessage());
        assertThrows(NetworkConflictException.class, () -> s.create(NetworkRequest
                .named("three").withSubnet("10.77.5.0/24", null)));
    }

    @Test
    void aSubnetOverlappingTheHostsRoutesIsRefused() {
        // A route of the machine's own, not one of a Berth bridge that another root made.
        HostFacts.Route route = HostFacts.routes().stream()
                .filter(r -> !r.device().startsWith("berth") && !r.device().startsWith("bt"))
                .findFirst().orElseThrow();

        NetworkConflictException e = assertThrows(NetworkConflictException.class,
                () -> service().create(NetworkRequest.named("clash")
                        .withSubnet(route.destination().toString(), null)));

        assertTrue(e.getMessage().contains("the host's route"), e.getMessage());
    }

    @Test
    void badInputIsRefusedAsInvalid() {
        NetworkService s = service();
        assertThrows(InvalidNetworkException.class, () -> s.create(NetworkRequest.named("-x")));
        assertThrows(InvalidNetworkException.class, () -> s.create(NetworkRequest.named("g")
                .withSubnet("10.203.0.0/24", "10.204.0.1")));
        assertThrows(InvalidNetworkException.class, () -> s.create(NetworkRequest.named("b")
                .withBridge("a-bridge-name-too-long")));
    }

    @Test
    void inspectFindsByNameIdAndIdPrefix() {
        NetworkService s = service();
        Network n = s.create(NetworkRequest.named("front"));

        assertEquals(n, s.inspect("front"));
        assertEquals(n, s.inspect(n.id()));
        assertEquals(n, s.inspect(n.shortId()));
        assertThrows(NetworkNotFoundException.class, () -> s.inspect("back"));
    }

    @Test
    void predefinedNetworksCannotBeRemoved() {
        NetworkConflictException e = assertThrows(NetworkConflictException.class,
                () -> service().remove("bridge"));
        assertEquals("bridge is a pre-defined network and cannot be removed", e.getMessage());
    }

    @Test
    void removeAndPruneDeleteUnusedUserNetworks() {
        NetworkService s = service();
        s.create(NetworkRequest.named("x"));
        s.create(NetworkRequest.named("y"));
        s.remove("x");

        assertFalse(Files.exists(root.resolve("state/networks/x.conflist")));
        assertEquals(List.of("y"), s.prune());
        assertEquals(List.of("bridge", "host", "none"),
                s.list().stream().map(Network::name).toList());
    }

    @Test
    void attachingToTheModesOrWithUserOnlyOptionsOnTheDefaultIsRefused() {
        NetworkService s = service();
        assertThrows(InvalidNetworkException.class,
                () -> s.attach("c", "/proc/self/ns/net", "host", EndpointOptions.none()));
        assertThrows(InvalidNetworkException.class, () -> s.attach("c", "/proc/self/ns/net",
                "bridge", EndpointOptions.none().withAliases(List.of("a"))));
        assertThrows(InvalidNetworkException.class, () -> s.attach("c", "/proc/self/ns/net",
                "bridge", EndpointOptions.none().withIp("10.77.0.9")));
        Network n = s.create(NetworkRequest.named("u").withSubnet("10.205.0.0/24", null));
        assertThrows(InvalidNetworkException.class, () -> s.attach("c", "/proc/self/ns/net",
                n.name(), EndpointOptions.none().withIp(n.gateway())));
        assertThrows(InvalidNetworkException.class, () -> s.attach("c", "/proc/self/ns/net",
                n.name(), EndpointOptions.none().withMac("not-a-mac")));
    }

    @Test
    void aContainerWithoutEndpointsGetsOnlyLocalhostAndExtraHosts() {
        String hosts = service().hostsFile("c", "box", List.of("db:10.1.2.3"));

        assertTrue(hosts.startsWith("127.0.0.1\tlocalhost\n"), hosts);
        assertTrue(hosts.endsWith("ff02::2\tip6-allrouters\n10.1.2.3\tdb\n"), hosts);
    }
}
