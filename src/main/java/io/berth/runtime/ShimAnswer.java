package io.berth.runtime;

import io.berth.sys.Errno;

/** Reads the shim's {@code error <errno>\t<message>} lines. */
final class ShimAnswer {

    private ShimAnswer() {
    }

    /** The failure an answer line reports; {@code step} words a missing or garbled one. */
    static ContainerStartException failure(String step, String line) {
        if (line == null) {
            return new ContainerStartException(step + ": the shim exited without an answer",
                    Errno.EIO);
        }
        if (!line.startsWith("error ")) {
            return new ContainerStartException(step + ": unexpected answer from the shim: "
                    + line, Errno.EIO);
        }
        String rest = line.substring("error ".length());
        int tab = rest.indexOf('\t');
        try {
            int errno = Integer.parseInt(tab < 0 ? rest : rest.substring(0, tab));
            return new ContainerStartException(tab < 0 ? step : rest.substring(tab + 1), errno);
        } catch (NumberFormatException e) {
            return new ContainerStartException(step + ": " + rest, Errno.EIO);
        }
    }
}
