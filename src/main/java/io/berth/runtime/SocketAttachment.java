package io.berth.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/** An {@link Attachment} over the monitor's socket; the monitor already frames the output. */
final class SocketAttachment implements Attachment {
    private final SocketChannel channel;
    private final InputStream output;
    private final OutputStream stdin;

    SocketAttachment(SocketChannel channel) {
        this.channel = channel;
        this.output = Channels.newInputStream(channel);
        OutputStream raw = Channels.newOutputStream(channel);
        this.stdin = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                raw.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                raw.write(b, off, len);
            }

            /** A half-close: the monitor closes the container's stdin, output keeps flowing. */
            @Override
            public void close() throws IOException {
                if (channel.isOpen()) {
                    channel.shutdownOutput();
                }
            }
        };
    }

    @Override
    public InputStream output() {
        return output;
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
