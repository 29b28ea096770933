package io.berth.image;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP proxy on 127.0.0.1 in front of a test's registry that cuts the first
 * {@code cuts} layer downloads (blobs over 64 KiB) off halfway, as a dropped connection would.
 */
final class FlakyProxy implements AutoCloseable {
    private static final int LAYER = 64 * 1024;
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection",
            "content-length", "transfer-encoding", "date");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String target;
    private final AtomicInteger cutsLeft;
    final AtomicInteger blobGets = new AtomicInteger();

    FlakyProxy(String target, int cuts) throws IOException {
        this.target = target;
        this.cutsLeft = new AtomicInteger(cuts);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                0);
        server.createContext("/", this::forward);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpResponse<InputStream> answer = send(exchange);
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase())) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] body = answer.body().readAllBytes();
            boolean blob = exchange.getRequestMethod().equals("GET")
                    && exchange.getRequestURI().getPath().contains("/blobs/sha256:");
            if (blob) {
                blobGets.incrementAndGet();
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(answer.statusCode(), head || body.length == 0 ? -1
                    : body.length);
            OutputStream out = exchange.getResponseBody();
            if (blob && body.length > LAYER && cutsLeft.getAndDecrement() > 0) {
                out.write(body, 0, body.length / 2);
                out.flush();
                return; // closing short of the length drops the connection
            }
            out.write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<InputStream> send(HttpExchange exchange)
            throws IOException, InterruptedException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + target
                + exchange.getRequestURI())).method(exchange.getRequestMethod(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
