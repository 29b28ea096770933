package io.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The HTTP details the clients depend on, checked byte by byte on raw connections. */
@Tag("privileged")
class WireProtocolTest {
    private static final Pattern ID = Pattern.compile("\"Id\":\"([0-9a-f]{64})\"");
    private static ServiceUnderTest berth;

    @BeforeAll
    static void startServiceAndLoadBusybox() {
        berth = ServiceUnderTest.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    @Test
    void headPingAnswersWithTheVersionHeadersAndNoBody() {
        String answer = berth.raw("HEAD /_ping HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("\r\nApi-Version: 1.44\r\n"), answer);
        assertTrue(answer.contains("\r\nOstype: linux\r\n"), answer);
        assertTrue(answer.contains("\r\nDocker-Experimental: false\r\n"), answer);
        assertTrue(answer.endsWith("Content-Length: 2\r\n\r\n"), answer);
        assertTrue(berth.raw("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n").endsWith("\r\n\r\nOK"));
    }

    @Test
    void versionedPathsAreServedUpToTheAdvertisedVersionAndRefusedAbove() {
        assertTrue(get("/v1.44/_ping").startsWith("HTTP/1.1 200 "));
        assertTrue(get("/v1.32/version").contains("\"ApiVersion\":\"1.44\""));
        assertTrue(get("/v1.24/info").startsWith("HTTP/1.1 200 "));
        String tooNew = get("/v1.45/version");
        assertTrue(tooNew.startsWith("HTTP/1.1 400 "), tooNew);
        assertTrue(tooNew.endsWith("{\"message\":\"client version 1.45 is too new. Maximum "
                + "supported API version is 1.44\"}"), tooNew);
        assertTrue(get("/v1.12/version").startsWith("HTTP/1.1 400 "));
        String unknown = get("/v1.44/nothing/here");
        assertTrue(unknown.startsWith("HTTP/1.1 404 ") && unknown.contains("\"message\""),
                unknown);
    }

    @Test
    void aDockerJavaBodyFullOfNullsAndUnknownKeysCreatesAContainer() {
        String body = "{\"Hostname\":null,\"Tty\":null,\"Env\":[],\"Cmd\":[\"true\"],"
                + "\"Image\":\"busybox:latest\",\"PortSpecs\":null,\"Healthcheck\":null,"
                + "\"ExposedPorts\":{},\"HostConfig\":{\"Binds\":[],\"Memory\":null,"
                + "\"LxcConf\":null,\"ExtraHosts\":[],\"Links\":[],\"VolumesFrom\":[]},"
                + "\"Labels\":{\"org.testcontainers\":\"true\"},\"NetworkingConfig\":null,"
                + "\"containerId\":\"stray\"}";
        String answer = post("/v1.44/containers/create", body);
        assertTrue(answer.startsWith("HTTP/1.1 201 "), answer);
        String id = id(answer);
        assertEquals("true true", berth.docker("inspect", "--format",
                "{{index .Config.Cmd 0}} {{index .Config.Labels \"org.testcontainers\"}}", id)
                .line());
        assertEquals(0, berth.docker("rm", id).code());
    }

    /**
     * The API refuses at create, with 400 and the words the CLI uses, what the CLI refuses:
     * one conversion checks both, and nothing is left behind.
     */
    @Test
    void createRefusesANegativeMemoryADeviceWithoutPathAndAnEnvWithoutName() {
        String before = berth.docker("ps", "-aq").out();
        String memory = post("/v1.44/containers/create", "{\"Image\":\"busybox\","
                + "\"HostConfig\":{\"Memory\":-5}}");
        assertTrue(memory.startsWith("HTTP/1.1 400 "), memory);
        assertTrue(memory.contains("Minimum memory limit allowed is 6MB"), memory);
        String device = post("/v1.44/containers/create", "{\"Image\":\"busybox\","
                + "\"HostConfig\":{\"Devices\":[{\"PathInContainer\":\"/dev/x\"}]}}");
        assertTrue(device.startsWith("HTTP/1.1 400 "), device);
        assertTrue(device.contains("error gathering device information"), device);
        String env = post("/v1.44/containers/create", "{\"Image\":\"busybox\","
                + "\"Env\":[\"=x\"]}");
        assertTrue(env.startsWith("HTTP/1.1 400 "), env);
        assertTrue(env.contains("invalid environment variable: =x"), env);
        for (String[] refused : new String[][] {
            {"\"Env\":[\"A\\u0000B=1\"]", "invalid environment variable: A"},
            {"\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/null\","
                    + "\"PathInContainer\":\"relative\"}]}", "must be absolute"},
            {"\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/null\","
                    + "\"PathInContainer\":\"/dev/n\",\"CgroupPermissions\":\"xyz\"}]}",
                "invalid device mode: xyz"},
            {"\"HostConfig\":{\"CpuShares\":-3}", "invalid CPU shares -3"},
            {"\"HostConfig\":{\"CpusetMems\":\"5\"}",
                "Requested memory nodes are not available - requested 5"},
            {"\"HostConfig\":{\"CapAdd\":[\"NOPE\"]}", "unknown capability"},
            {"\"HostConfig\":{\"OomScoreAdj\":5000}", "range for oom score adj"}}) {
            String answer = post("/v1.44/containers/create", "{\"Image\":\"busybox\","
                    + refused[0] + "}");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), refused[0] + ": " + answer);
            assertTrue(answer.contains(refused[1]), refused[0] + ": " + answer);
        }
        String broken = post("/v1.44/containers/create", "{\"Image\":\n \"busybox\",,}");
        assertTrue(broken.startsWith("HTTP/1.1 400 "), broken);
        assertTrue(broken.contains("request body: invalid JSON at line 2, column "), broken);
        assertFalse(broken.contains("REDACTED") || broken.contains("\\n"), broken);
        assertEquals(before, berth.docker("ps", "-aq").out());

        String limited = post("/v1.44/containers/create", "{\"Image\":\"busybox\","
                + "\"HostConfig\":{\"Memory\":16777216}}");
        assertTrue(limited.startsWith("HTTP/1.1 201 "), limited);
        assertEquals("16777216", berth.docker("inspect", "--format", "{{.HostConfig.Memory}}",
                id(limited)).line());
        assertEquals(0, berth.docker("rm", id(limited)).code());
    }

    @Test
    void aChunkedRequestBodyIsDecoded() {
        String json = "{\"Image\":\"busybox\",\"Cmd\":[\"echo\",\"chunked\"]}";
        String chunked = Integer.toHexString(10) + "\r\n" + json.substring(0, 10) + "\r\n"
                + Integer.toHexString(json.length() - 10) + "\r\n" + json.substring(10)
                + "\r\n0\r\n\r\n";
        String answer = berth.raw("POST /v1.44/containers/create HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunked);
        assertTrue(answer.startsWith("HTTP/1.1 201 "), answer);
        assertEquals(0, berth.docker("rm", id(answer)).code());
    }

    @Test
    void oneConnectionCarriesSeveralRequests() {
        String answers = berth.raw("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /v1.44/version HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(3, answers.split("HTTP/1.1 200 OK").length - 1, answers);
    }

    @Test
    void attachWithoutUpgradeStreamsFramesOverAPlainAnswer() throws Exception {
        String id = id(post("/v1.44/containers/create",
                "{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"echo out; echo err >&2\"]}"));
        try (SocketChannel attach = connect()) {
            send(attach, "POST /v1.44/containers/" + id + "/attach?stream=1&stdout=1&stderr=1"
                    + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            String head = readHead(attach);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("application/vnd.docker.multiplexed-stream"), head);
            assertTrue(post("/v1.44/containers/" + id + "/start", "").startsWith(
                    "HTTP/1.1 204 "));
            byte[] frames = readToEnd(attach);
            assertEquals("out\nerr\n", demux(frames, 1) + demux(frames, 2));
            assertEquals("out\n", demux(frames, 1));
        }
        assertEquals(0, berth.docker("rm", id).code());
    }

    @Test
    void outputKeepsFlowingAfterTheClientHalfClosesItsSideOfAnUpgradedAttach()
            throws Exception {
        String id = id(post("/v1.44/containers/create",
                "{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"sleep 0.5; echo late\"]}"));
        try (SocketChannel attach = connect()) {
            send(attach, "POST /v1.44/containers/" + id + "/attach?stream=1&stdout=1&stderr=1"
                    + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: Upgrade\r\n"
                    + "Upgrade: tcp\r\n\r\n");
            String head = readHead(attach);
            assertTrue(head.startsWith("HTTP/1.1 101 UPGRADED\r\n"), head);
            attach.shutdownOutput();
            post("/v1.44/containers/" + id + "/start", "");
            assertEquals("late\n", demux(readToEnd(attach), 1));
        }
        assertEquals(0, berth.docker("rm", id).code());
    }

    @Test
    void waitAnswersItsHeadAtOnceAndItsBodyAtTheExit() throws Exception {
        String id = id(post("/v1.44/containers/create",
                "{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"sleep 0.5; exit 6\"]}"));
        try (SocketChannel wait = connect()) {
            send(wait, "POST /v1.44/containers/" + id + "/wait?condition=next-exit HTTP/1.1\r\n"
                    + "Host: x\r\nContent-Length: 0\r\n\r\n");
            String head = readHead(wait);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("Transfer-Encoding: chunked"), head);
            post("/v1.44/containers/" + id + "/start", "");
            String body = new String(readToEnd(wait), StandardCharsets.UTF_8);
            assertTrue(body.contains("{\"Error\":null,\"StatusCode\":6}\n"), body);
        }
        assertEquals(0, berth.docker("rm", id).code());
    }

    @Test
    void waitsAbandonedByTheirClientsLeaveTheServiceAnswering() throws Exception {
        String id = berth.docker("run", "-d", "busybox", "sleep", "600").line();
        for (int i = 0; i < 20; i++) {
            try (SocketChannel wait = connect()) {
                send(wait, "POST /v1.44/containers/" + id + "/wait HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 0\r\n\r\n");
                readHead(wait);
            }
        }
        assertEquals(0, berth.docker("kill", id).code());
        assertEquals("137", berth.docker("wait", id).line());
        assertEquals(0, berth.docker("rm", id).code());
    }

    @Test
    void loadTakesAChunkedArchive() throws Exception {
        byte[] tar = Files.readAllBytes(ServiceUnderTest.fixtures().resolve(
                "busybox-docker-archive.tar"));
        try (SocketChannel ch = connect()) {
            send(ch, "POST /v1.44/images/load?quiet=1 HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n");
            for (int off = 0; off < tar.length; off += 65536) {
                int n = Math.min(65536, tar.length - off);
                send(ch, Integer.toHexString(n) + "\r\n");
                ch.write(ByteBuffer.wrap(tar, off, n));
                send(ch, "\r\n");
            }
            send(ch, "0\r\n\r\n");
            String answer = new String(readToEnd(ch), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
            assertTrue(answer.contains("{\"stream\":\"Loaded image: busybox:latest\\n\"}"),
                    answer);
        }
    }

    // ---- raw HTTP helpers

    private static String get(String path) {
        return berth.raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    private static String post(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return berth.raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n" + json);
    }

    private static String id(String answer) {
        Matcher m = ID.matcher(answer);
        assertTrue(m.find(), answer);
        return m.group(1);
    }

    private static SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(berth.socket));
        return ch;
    }

    private static void send(SocketChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads up to the blank line that ends an answer's head, byte by byte. */
    private static String readHead(SocketChannel ch) throws IOException {
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (ch.read(one) < 0) {
                break;
            }
            head.append((char) one.get(0));
        }
        return head.toString();
    }

    private static byte[] readToEnd(SocketChannel ch) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return out.toByteArray();
    }

    /** The payload of one stream of docker's 8-byte frames. */
    private static String demux(byte[] frames, int stream) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i + 8 <= frames.length) {
            int size = ((frames[i + 4] & 0xff) << 24) | ((frames[i + 5] & 0xff) << 16)
                    | ((frames[i + 6] & 0xff) << 8) | (frames[i + 7] & 0xff);
            if (frames[i] == stream) {
                out.append(new String(frames, i + 8, size, StandardCharsets.UTF_8));
            }
            i += 8 + size;
        }
        return out.toString();
    }
}
