package io.berth.api;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection: HTTP/1.1 requests in sequence (both docker clients keep connections
 * alive), until the client closes it or a handler takes it over.
 */
final class HttpConnection implements Runnable {
    private static final int MAX_HEADERS = 200;
    private static final long LINGER_MILLIS = 2000;

    private final SocketChannel channel;
    private final Dispatcher dispatcher;
    private final String server;
    private final InputStream in;
    private final OutputStream out;

    /** What answers each request. */
    interface Dispatcher {
        void dispatch(HttpExchange exchange);
    }

    HttpConnection(SocketChannel channel, Dispatcher dispatcher, String server) {
        this.channel = channel;
        this.dispatcher = dispatcher;
        this.server = server;
        this.in = new BufferedInputStream(Channels.newInputStream(channel), 16 * 1024);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 16 * 1024);
    }

    @Override
    public void run() {
        try (channel) {
            HttpRequest request;
            while ((request = readRequest()) != null) {
                HttpExchange exchange = new HttpExchange(request, in, out, this::halfClose,
                        server);
                dispatcher.dispatch(exchange);
                if (!exchange.reusable() || !exchange.committed()) {
                    if (exchange.hijacked()) {
                        lingerUntilClientCloses();
                    }
                    return;
                }
                request.body().transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or sent something that is not HTTP: drop the connection.
        }
    }

    /**
     * After a hijacked stream the client may still send bytes nobody reads (a terminal's keys
     * once the container is gone); closing with them unread makes the kernel answer with a
     * reset, which the docker CLI reports as an error instead of the exit code. So the input
     * is drained until the client closes, for two seconds at most.
     */
    private void lingerUntilClientCloses() {
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(LINGER_MILLIS);
                channel.close();
            } catch (InterruptedException | IOException e) {
                // The client closed first, or the channel is already closed.
            }
        });
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // Closed by the closer above, or reset by the client.
        } finally {
            closer.interrupt();
        }
    }

    private void halfClose() {
        try {
            out.flush();
            channel.shutdownOutput();
        } catch (IOException e) {
            // Already closed by the client.
        }
    }

    /** The next request, or null when the client closed the connection between requests. */
    private HttpRequest readRequest() throws IOException {
        String line;
        do {
            line = HttpBodies.readLine(in);
            if (line == null) {
                return null;
            }
        } while (line.isEmpty());
        String[] parts = line.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x request line: " + line);
        }
        Map<String, String> headers = readHeaders();
        return new HttpRequest(parts[0], parts[1], headers, body(headers));
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = HttpBodies.readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0 || headers.size() > MAX_HEADERS) {
                throw new IOException("bad header line: " + line);
            }
            headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
        }
        return headers;
    }

    private InputStream body(Map<String, String> headers) throws IOException {
        String encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new HttpBodies.ChunkedInput(in);
        }
        String length = headers.get("content-length");
        if (length == null) {
            return InputStream.nullInputStream();
        }
        try {
            return new HttpBodies.Bounded(in, Long.parseLong(length.strip()));
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length: " + length);
        }
    }
}
