package io.berth.convert;

/**
 * One of docker's {@code --ulimit} values (HostConfig.Ulimits): a resource by its short name
 * (nofile, nproc, core, ...) with soft and hard limits; -1 is unlimited.
 */
public record Ulimit(String name, long soft, long hard) {

    /** Parses docker's {@code name=soft[:hard]}; a missing hard limit equals the soft one. */
    public static Ulimit parse(String value) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
            throw new InvalidRequestException("invalid ulimit argument: " + value);
        }
        String name = value.substring(0, eq);
        String[] limits = value.substring(eq + 1).split(":", -1);
        if (limits.length > 2) {
            throw new InvalidRequestException("too many limit value arguments - "
                    + value.substring(eq + 1) + ", can only have up to two, `soft[:hard]`");
        }
        long soft = number(limits[0], value);
        long hard = limits.length == 2 ? number(limits[1], value) : soft;
        return new Ulimit(name, soft, hard);
    }

    private static long number(String text, String value) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("invalid ulimit argument: " + value
                    + " (limits are whole numbers)");
        }
    }
}
