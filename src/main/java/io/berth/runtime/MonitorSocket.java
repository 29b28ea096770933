package io.berth.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A connection to a container's monitor: one command line, then its answer or a stream. */
final class MonitorSocket {

    private MonitorSocket() {
    }

    /** Connects and sends the command; the caller owns the channel. */
    static SocketChannel open(Path socket, String command) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads one answer line, without its newline; null when the monitor closed first. */
    static String readLine(SocketChannel channel) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            char c = (char) (one.get(0) & 0xff);
            if (c == '\n') {
                return line.toString();
            }
            line.append(c);
        }
    }

    /** Sends a command and returns the answer line. */
    static String ask(Path socket, String command) throws IOException {
        try (SocketChannel channel = open(socket, command)) {
            return readLine(channel);
        }
    }
}
