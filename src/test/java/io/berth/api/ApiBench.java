package io.berth.api;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's benchmark (not a JUnit test; run by hand as root, with the test class path):
 * {@code docker run --rm busybox true} through the service, and a warm loop of containers
 * created, started, waited for and removed through the API, as a client library does.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -Dberth.shim=target/native/berth-shim
 *     -Dberth.fixtures=../shared/fixtures -cp target/test-classes:target/classes:target/lib/*
 *     io.berth.api.ApiBench [RUNS] [LOOP]</pre>
 */
public final class ApiBench {
    private static final Pattern ID = Pattern.compile("\"Id\":\"([0-9a-f]{64})\"");

    private ApiBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int loop = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        try (ServiceUnderTest berth = new ServiceUnderTest()) {
            berth.docker("load", "-i", ServiceUnderTest.fixtures()
                    .resolve("busybox-docker-archive.tar").toString());
            for (int i = 0; i < 3; i++) {
                berth.docker("run", "--rm", "busybox", "true");
            }
            List<Double> cli = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                ServiceUnderTest.Result r = berth.docker("run", "--rm", "busybox", "true");
                cli.add((System.nanoTime() - t) / 1e6);
                if (r.code() != 0) {
                    throw new IllegalStateException("run failed: " + r.err());
                }
            }
            report("docker run --rm busybox true (CLI process included)", cli);

            List<Double> api = new ArrayList<>();
            long all = System.nanoTime();
            for (int i = 0; i < loop; i++) {
                long t = System.nanoTime();
                cycle(berth);
                api.add((System.nanoTime() - t) / 1e6);
            }
            double total = (System.nanoTime() - all) / 1e9;
            report("create-start-wait-remove through the API", api);
            System.out.printf("  %d containers in %.2f s: %.1f containers/s%n", loop, total,
                    loop / total);
        }
    }

    private static void cycle(ServiceUnderTest berth) throws IOException {
        String created = call(berth, "POST", "/v1.44/containers/create",
                "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],\"HostConfig\":{}}");
        Matcher m = ID.matcher(created);
        if (!m.find()) {
            throw new IllegalStateException("create: " + created);
        }
        String id = m.group(1);
        call(berth, "POST", "/v1.44/containers/" + id + "/start", "");
        String waited = call(berth, "POST", "/v1.44/containers/" + id + "/wait", "");
        if (!waited.contains("\"StatusCode\":0")) {
            throw new IllegalStateException("wait: " + waited);
        }
        call(berth, "DELETE", "/v1.44/containers/" + id, "");
    }

    /** One request on its own connection; the answer as text, read until the service closes. */
    private static String call(ServiceUnderTest berth, String method, String path, String body)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(berth.socket));
            ch.write(ByteBuffer.wrap((head + body).getBytes(StandardCharsets.UTF_8)));
            StringBuilder out = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                out.append(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
                buf.clear();
            }
            return out.toString();
        }
    }

    private static void report(String what, List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        System.out.printf("%s: n=%d median %.1f ms, p90 %.1f ms, min %.1f ms%n", what,
                sorted.size(), sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1), sorted.getFirst());
    }
}
