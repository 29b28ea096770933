package io.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One container's attachment to one network, as attach made it; kept under the CNI cache
 * folder so that detach and reconcile can undo exactly what was done.
 *
 * @param id 64 hex digits (docker's EndpointID)
 * @param containerId the container
 * @param networkId the network's id
 * @param network the network's name
 * @param netns the network namespace path given to attach
 * @param netnsInode the inode of that namespace, to tell it from a later one at the same path
 * @param ifName the interface inside the container, eth0
 * @param ip the container's address, null until the plugins answered
 * @param prefix the prefix length of the address
 * @param gateway the gateway (the bridge's address), null on internal networks
 * @param mac the MAC address of the container's interface
 * @param ports the published ports, host ports chosen
 * @param options what the container asked for (name, aliases, hosts file)
 * @param plugins the plugin types run, in order
 * @param cniArgs the CNI_ARGS given
 * @param result the CNI result of ADD, given back to DEL
 */
public record Endpoint(String id, String containerId, String networkId, String network,
        String netns, long netnsInode, String ifName, String ip, int prefix, String gateway,
        String mac, List<PortMapping> ports, EndpointOptions options, List<String> plugins,
        String cniArgs, JsonNode result) {
    public Endpoint {
        ports = ports == null ? List.of() : List.copyOf(ports);
        plugins = plugins == null ? List.of() : List.copyOf(plugins);
    }

    /** The aliases this endpoint answers to on its network: name, then aliases. */
    public List<String> names() {
        return java.util.stream.Stream.concat(
                java.util.stream.Stream.ofNullable(options.name()), options.aliases().stream())
                .distinct().toList();
    }

    Endpoint withResult(String address, int prefixLength, String gw, String macAddress,
            JsonNode cniResult) {
        return new Endpoint(id, containerId, networkId, network, netns, netnsInode, ifName,
                address, prefixLength, gw, macAddress, ports, options, plugins, cniArgs,
                cniResult);
    }
}
