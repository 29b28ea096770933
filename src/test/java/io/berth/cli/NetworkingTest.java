package io.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Containers on the network through the CLI: the default bridge, user networks with names,
 * published ports, and nothing left behind. Traffic stays on this test's bridges and loopback.
 */
@Tag("privileged")
class NetworkingTest {
    private static BerthCli berth;

    @BeforeAll
    static void loadBusybox() {
        berth = BerthCli.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
    }

    private static long count(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().count();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aPublishedHttpdIsFetchedFromTheHostOnLoopback() throws Exception {
        int port = freePort();
        BerthCli.Result r = berth.run("run", "-d", "--name", "www", "-p",
                "127.0.0.1:" + port + ":80", "busybox", "httpd", "-f", "-p", "80", "-h",
                "/var/www");
        assertEquals(0, r.code(), r.err());
        String page = "";
        for (int i = 0; i < 50 && page.isEmpty(); i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(
                        "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                InputStream in = s.getInputStream();
                page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        assertTrue(page.startsWith("HTTP/1.") && page.contains(" 200 "), page);
        assertEquals("80/tcp -> 127.0.0.1:" + port, berth.run("port", "www").line());
        assertTrue(berth.run("ps").out().contains("127.0.0.1:" + port + "->80/tcp"));

        BerthCli.Result taken = berth.run("run", "-d", "-p", "127.0.0.1:" + port + ":80",
                "busybox", "sleep", "60");
        assertEquals(125, taken.code());
        assertTrue(taken.err().contains("already allocated"), taken.err());
        berth.run("rm", "-f", "www");
    }

    @Test
    void containersOnAUserNetworkReachEachOtherByNameAndAlias() {
        assertEquals(0, berth.run("network", "create", "--subnet", "10.79.251.0/24",
                "talk").code());
        assertEquals(0, berth.run("run", "-d", "--name", "server", "--network", "talk",
                "--network-alias", "db", "busybox", "sleep", "600").code());
        BerthCli.Result ping = berth.run("run", "--rm", "--network", "talk", "busybox", "sh",
                "-c", "ping -c1 -W2 server >/dev/null && ping -c1 -W2 db >/dev/null && echo ok");
        assertEquals("ok", ping.line(), ping.err());
        String ip = berth.run("inspect", "--format",
                "{{(index .NetworkSettings.Networks \"talk\").IPAddress}}", "server").line();
        assertTrue(ip.startsWith("10.79.251."), ip);
        BerthCli.Result refused = berth.run("network", "rm", "talk");
        assertEquals(1, refused.code(), "a network in use is not removed");
        berth.run("rm", "-f", "server");
        assertEquals(0, berth.run("network", "rm", "talk").code());
    }

    @Test
    void theDefaultBridgeGivesAnAddressAndNoneOnlyLoopback() {
        BerthCli.Result bridge = berth.run("run", "--rm", "busybox", "sh", "-c",
                "ip -4 -o addr show eth0 | wc -l; ip -o link | wc -l");
        assertEquals("1\n2", bridge.out().strip(), bridge.err());
        BerthCli.Result none = berth.run("run", "--rm", "--network", "none", "busybox", "sh",
                "-c", "ip -o link | wc -l; ip -o link show lo | grep -c UP");
        assertEquals("1\n1", none.out().strip(), none.err());
    }

    @Test
    void runningAndRemovingLeavesNoVethRuleOrLease() throws Exception {
        berth.run("run", "--rm", "-p", "127.0.0.1::80", "busybox", "true");
        long links = count("ip", "-o", "link");
        long rules = count("iptables-save");
        berth.run("run", "-d", "--name", "counted", "-p", "127.0.0.1::80", "busybox", "sleep",
                "600");
        assertTrue(count("ip", "-o", "link") > links);
        berth.run("rm", "-f", "counted");
        assertEquals(links, count("ip", "-o", "link"));
        assertEquals(rules, count("iptables-save"));
    }

    @Test
    void aSecondRootIsRefusedTheBridgeOfTheFirstWhileTheFirstUsesIt() throws Exception {
        try (BerthCli first = BerthCli.withBusybox(); BerthCli second = BerthCli.withBusybox()) {
            assertEquals(0, first.run("run", "-d", "--name", "holder", "busybox", "sleep", "60")
                    .code(), "claims the bridge, and holds a lease on it");
            BerthCli.Result taken = second.runOn(first.bridge, first.subnet,
                    java.io.InputStream.nullInputStream(), "run", "--rm", "busybox", "true");
            assertEquals(125, taken.code());
            assertTrue(taken.err().contains("bridge " + first.bridge + " serves another Berth "
                    + "root"), taken.err());
            assertEquals("", second.run("ps", "-a", "-q").out(), "nothing left of the run");
            first.run("rm", "-f", "holder");
            BerthCli.Result free = second.runOn(first.bridge, first.subnet,
                    java.io.InputStream.nullInputStream(), "run", "--rm", "busybox", "true");
            assertEquals(0, free.code(), "a bridge nobody holds a lease on is taken over: "
                    + free.err());
        }
    }

    @Test
    void connectingASecondNetworkAddsEth1AndKeepsEth0() {
        assertEquals(0, berth.run("network", "create", "--subnet", "10.79.249.0/24", "second")
                .code());
        assertEquals(0, berth.run("run", "-d", "--name", "twice", "busybox", "sleep", "60")
                .code());
        try {
            BerthCli.Result connect = berth.run("network", "connect", "second", "twice");
            assertEquals(0, connect.code(), connect.err());
            String addresses = berth.run("exec", "twice", "sh", "-c",
                    "ip -4 -o addr show eth0 | wc -l; ip -4 -o addr show eth1").out();
            assertTrue(addresses.startsWith("1\n"), "eth0 kept: " + addresses);
            assertTrue(addresses.contains("10.79.249."), "eth1 on the second network: "
                    + addresses);
            assertEquals(0, berth.run("network", "disconnect", "second", "twice").code());
            assertEquals("1\n0\n", berth.run("exec", "twice", "sh", "-c",
                    "ip -4 -o addr show eth0 | wc -l; ip -o link show eth1 2>/dev/null | wc -l")
                    .out());
        } finally {
            berth.run("rm", "-f", "twice");
            berth.run("network", "rm", "second");
        }
    }
}
