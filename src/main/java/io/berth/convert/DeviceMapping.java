package io.berth.convert;

/**
 * One of docker's {@code --device} values (HostConfig.Devices): a host device node, where it
 * appears in the container, and the cgroup access it gets (some of r, w and m).
 */
public record DeviceMapping(String pathOnHost, String pathInContainer, String cgroupPermissions) {

    /** Parses docker's {@code HOST[:CONTAINER][:PERMISSIONS]}. */
    public static DeviceMapping parse(String value) {
        String[] parts = value.split(":", -1);
        if (parts.length > 3 || parts[0].isEmpty()) {
            throw new InvalidRequestException("invalid device specification: " + value);
        }
        String host = parts[0];
        String container = host;
        String permissions = "rwm";
        if (parts.length == 2 && isPermissions(parts[1])) {
            permissions = parts[1];
        } else if (parts.length >= 2) {
            container = parts[1];
        }
        if (parts.length == 3) {
            permissions = parts[2];
        }
        if (!isPermissions(permissions) || !container.startsWith("/")) {
            throw new InvalidRequestException("invalid device specification: " + value);
        }
        return new DeviceMapping(host, container, permissions);
    }

    /** Whether a text is some of r, w and m: docker's cgroup permissions. */
    static boolean isPermissions(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'm');
    }
}
