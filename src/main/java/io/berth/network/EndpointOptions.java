package io.berth.network;

import java.util.List;

/**
 * How one container joins one network.
 *
 * @param name the container's name, which other members resolve on user networks; may be null
 * @param hostname the container's hostname, written next to its own address in /etc/hosts
 * @param aliases more names on this network ({@code --network-alias}); user networks only
 * @param ip a fixed IPv4 address ({@code --ip}); user networks only; null lets IPAM choose
 * @param mac a fixed MAC address ({@code --mac-address}); null lets the kernel choose
 * @param ports published ports; a host port of 0 is chosen free at attach time
 * @param extraHosts {@code --add-host} entries as "name:ip", for this container's hosts file
 * @param hostsFile the host path of the container's /etc/hosts, rewritten in place when members
 *     of its user networks come and go; null when nobody should keep it current
 */
public record EndpointOptions(String name, String hostname, List<String> aliases, String ip,
        String mac, List<PortMapping> ports, List<String> extraHosts, String hostsFile) {
    public EndpointOptions {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        ports = ports == null ? List.of() : List.copyOf(ports);
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
    }

    /** No name, no aliases, no ports: what a test or a throwaway container needs. */
    public static EndpointOptions none() {
        return new EndpointOptions(null, null, List.of(), null, null, List.of(), List.of(), null);
    }

    public EndpointOptions withName(String containerName, String host) {
        return new EndpointOptions(containerName, host, aliases, ip, mac, ports, extraHosts,
                hostsFile);
    }

    public EndpointOptions withAliases(List<String> value) {
        return new EndpointOptions(name, hostname, value, ip, mac, ports, extraHosts, hostsFile);
    }

    public EndpointOptions withIp(String value) {
        return new EndpointOptions(name, hostname, aliases, value, mac, ports, extraHosts,
                hostsFile);
    }

    public EndpointOptions withMac(String value) {
        return new EndpointOptions(name, hostname, aliases, ip, value, ports, extraHosts,
                hostsFile);
    }

    public EndpointOptions withPorts(List<PortMapping> value) {
        return new EndpointOptions(name, hostname, aliases, ip, mac, value, extraHosts,
                hostsFile);
    }

    public EndpointOptions withHosts(List<String> extra, String hostsPath) {
        return new EndpointOptions(name, hostname, aliases, ip, mac, ports, extra, hostsPath);
    }
}
