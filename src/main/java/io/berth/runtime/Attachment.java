package io.berth.runtime;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A connection to a container's stdio through its monitor. Possible before start, so a client
 * that attaches first sees all the output.
 */
public interface Attachment extends Closeable {

    /**
     * Docker's multiplexed stream: frames of an 8-byte header (stream 1 for stdout or 2 for
     * stderr, three zero bytes, the payload size as a big-endian u32) and the payload. Ends after
     * the process exited and all its output was delivered. A container with a terminal has one
     * stream: everything arrives as stream 1 (a Docker API front end unwraps it, since Docker
     * sends a tty container's output raw).
     */
    InputStream output();

    /** Bytes to the container's stdin when it was created with stdinOpen; close() sends EOF. */
    OutputStream stdin();
}
