package io.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Tells whether an insecure registry's port speaks TLS, by sending a TLS ClientHello and looking
 * at the first byte of the answer: a TLS record (handshake or alert) means TLS, anything else
 * (an HTTP error page, a closed connection) means plain HTTP. No key is made and no certificate
 * read: a real handshake through the JDK's TLS stack cost a cold CLI 0.2 to 0.5 s of CPU, most
 * of a small pull from a loopback registry, only to learn yes or no. Written by hand, since no
 * library here answers that question without doing the whole handshake.
 */
final class TlsProbe {
    private static final int HANDSHAKE = 0x16;
    private static final int ALERT = 0x15;

    private TlsProbe() {
    }

    /**
     * True when something at {@code authority} (host or host:port, 443 by default) answers a
     * ClientHello with TLS.
     *
     * @throws IOException when nothing can be reached there at all
     */
    static boolean speaksTls(String authority, Duration timeout) throws IOException {
        URI uri = URI.create("https://" + authority);
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        String host = uri.getHost() != null ? uri.getHost() : authority;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.getOutputStream().write(clientHello(host));
            socket.getOutputStream().flush();
            int first = firstByte(socket.getInputStream());
            return first == HANDSHAKE || first == ALERT;
        }
    }

    private static int firstByte(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1; // reset or timed out after our hello: no TLS server would do that
        }
    }

    /**
     * A TLS 1.2 ClientHello (record version 1.0, as clients send it) offering common ECDHE
     * suites with server name, groups, point formats and signature algorithms, which every
     * TLS server answers with a ServerHello or an alert.
     */
    static byte[] clientHello(String host) {
        ByteBuffer body = ByteBuffer.allocate(512);
        body.putShort((short) 0x0303);
        byte[] random = new byte[32];
        // No handshake ever completes on this hello, so its random need not be secret.
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(random);
        body.put(random);
        body.put((byte) 0); // no session id
        int[] suites = {0xc02f, 0xc02b, 0xc030, 0xc02c, 0xcca8, 0xcca9, 0x009c, 0x002f};
        body.putShort((short) (suites.length * 2));
        for (int suite : suites) {
            body.putShort((short) suite);
        }
        body.put((byte) 1).put((byte) 0); // compression: null only
        byte[] extensions = extensions(host);
        body.putShort((short) extensions.length).put(extensions);
        return record(handshake(body));
    }

    private static byte[] extensions(String host) {
        ByteBuffer out = ByteBuffer.allocate(384);
        if (!host.contains(":") && !host.matches("[0-9.]+") && host.length() < 200) {
            byte[] name = host.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            out.putShort((short) 0).putShort((short) (name.length + 5));
            out.putShort((short) (name.length + 3)).put((byte) 0).putShort((short) name.length)
                    .put(name);
        }
        out.putShort((short) 10).putShort((short) 8).putShort((short) 6); // supported groups
        out.putShort((short) 0x001d).putShort((short) 0x0017).putShort((short) 0x0018);
        out.putShort((short) 11).putShort((short) 2).put((byte) 1).put((byte) 0); // points
        int[] schemes = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
        out.putShort((short) 13).putShort((short) (schemes.length * 2 + 2))
                .putShort((short) (schemes.length * 2));
        for (int scheme : schemes) {
            out.putShort((short) scheme);
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private static byte[] handshake(ByteBuffer body) {
        int length = body.position();
        ByteBuffer out = ByteBuffer.allocate(length + 4);
        out.put((byte) 1).put((byte) (length >>> 16)).putShort((short) length);
        out.put(body.array(), 0, length);
        return out.array();
    }

    private static byte[] record(byte[] handshake) {
        ByteBuffer out = ByteBuffer.allocate(handshake.length + 5);
        out.put((byte) HANDSHAKE).putShort((short) 0x0301).putShort((short) handshake.length);
        return out.put(handshake).array();
    }
}
