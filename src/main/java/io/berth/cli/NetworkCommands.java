package io.berth.cli;

import io.berth.engine.Inspection;

import io.berth.engine.Container;
import io.berth.engine.Engine;
import io.berth.network.Network;
import io.berth.network.NetworkRequest;
import io.berth.network.NetworkService;
import io.berth.network.PublishedPorts;
import io.berth.template.TableFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `network create/ls/inspect/rm/prune/connect/disconnect` and `port`. */
final class NetworkCommands {
    static final String LS_TABLE =
            "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
    static final Map<String, String> LS_HEADERS = Map.of("ID", "NETWORK ID", "Name", "NAME",
            "Driver", "DRIVER", "Scope", "SCOPE", "Internal", "INTERNAL", "CreatedAt",
            "CREATED AT", "Labels", "LABELS");

    private NetworkCommands() {
    }

    @Command(name = "network", description = "Manage networks.", subcommands = {
        NetworkCommands.Create.class, NetworkCommands.Ls.class, NetworkCommands.Inspect.class,
        NetworkCommands.Rm.class, NetworkCommands.Prune.class, NetworkCommands.Connect.class,
        NetworkCommands.Disconnect.class})
    static final class Group implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            throw new ExitCodes.UserError("berth network needs a command: create, ls, inspect, "
                    + "rm, prune, connect or disconnect");
        }
    }

    /** The object `docker network inspect` prints: the engine's, which the API serves too. */
    static Map<String, Object> inspect(Network n, NetworkService networks) {
        return Inspection.network(n, networks);
    }

    @Command(name = "create", description = "Create a network.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-d", "--driver"}, description = "Driver (bridge).")
        String driver = "bridge";

        @Option(names = "--subnet", description = "Subnet in CIDR format.")
        String subnet;

        @Option(names = "--gateway", description = "IPv4 gateway for the subnet.")
        String gateway;

        @Option(names = "--internal", description = "Restrict external access to the network.")
        boolean internal;

        @Option(names = "--label", description = "Set metadata on a network.")
        List<String> labels = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "NETWORK")
        String name;

        @Override
        public Integer call() {
            if (!"bridge".equals(driver)) {
                throw new ExitCodes.UserError("plugin \"" + driver + "\" not found: Berth's "
                        + "networks use the bridge driver");
            }
            Map<String, String> labelMap = new LinkedHashMap<>();
            for (String l : labels) {
                int eq = l.indexOf('=');
                labelMap.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
            }
            NetworkRequest request = NetworkRequest.named(name).withSubnet(subnet, gateway)
                    .withInternal(internal).withLabels(labelMap);
            System.out.println(group.main.engine().networks().create(request).id());
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List networks.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-q", "--quiet"}, description = "Only display network IDs.")
        boolean quiet;

        @Option(names = "--no-trunc", description = "Do not truncate the output.")
        boolean noTrunc;

        @Option(names = "--format", description = "Format output using a Go template.")
        String format;

        @Override
        public Integer call() {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Network n : group.main.engine().networks().list()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("ID", noTrunc ? n.id() : n.shortId());
                row.put("Name", n.name());
                row.put("Driver", n.driver());
                row.put("Scope", "local");
                row.put("Internal", n.internal());
                row.put("CreatedAt", n.created());
                row.put("Labels", n.labels().toString());
                rows.add(row);
            }
            String layout = quiet ? "{{.ID}}" : format == null ? LS_TABLE : format;
            System.out.print(new TableFormat(layout, LS_HEADERS)
                    .contextRowsOf("*network.networkContext").render(rows));
            return 0;
        }
    }

    @Command(name = "inspect", description = "Display detailed information on networks.")
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-f", "--format"}, description = "Format output using a Go template.")
        String format;

        @Parameters(arity = "1..*", paramLabel = "NETWORK")
        List<String> names;

        @Override
        public Integer call() throws Exception {
            NetworkService networks = group.main.engine().networks();
            List<Object> found = new ArrayList<>();
            int code = LifecycleCommands.forEach(names, n -> {
                Map<String, Object> doc = inspect(networks.inspect(n), networks);
                if (format != null) {
                    System.out.println(new InspectFormat(format).render(doc));
                } else {
                    found.add(doc);
                }
            });
            if (format == null) {
                System.out.println(GoJson.indent(found));
            }
            return code;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more networks.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Parameters(arity = "1..*", paramLabel = "NETWORK")
        List<String> names;

        @Override
        public Integer call() throws Exception {
            NetworkService networks = group.main.engine().networks();
            return LifecycleCommands.forEach(names, n -> {
                networks.remove(n);
                System.out.println(n);
            });
        }
    }

    @Command(name = "prune", description = "Remove all unused networks.")
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation.")
        boolean force;

        @Override
        public Integer call() {
            List<String> removed = group.main.engine().networks().prune();
            if (!removed.isEmpty()) {
                System.out.println("Deleted Networks:");
                removed.forEach(System.out::println);
            }
            return 0;
        }
    }

    @Command(name = "connect", description = "Connect a container to a network.")
    static final class Connect implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = "--alias", description = "Add network-scoped alias for the container.")
        List<String> aliases = new ArrayList<>();

        @Option(names = "--ip", description = "IPv4 address.")
        String ip;

        @Parameters(index = "0", paramLabel = "NETWORK")
        String network;

        @Parameters(index = "1", paramLabel = "CONTAINER")
        String container;

        @Override
        public Integer call() {
            group.main.engine().connect(network, container, aliases, ip);
            return 0;
        }
    }

    @Command(name = "disconnect", description = "Disconnect a container from a network.")
    static final class Disconnect implements Callable<Integer> {
        @ParentCommand
        Group group;

        @Option(names = {"-f", "--force"}, description = "Force the container to disconnect.")
        boolean force;

        @Parameters(index = "0", paramLabel = "NETWORK")
        String network;

        @Parameters(index = "1", paramLabel = "CONTAINER")
        String container;

        @Override
        public Integer call() {
            group.main.engine().disconnect(network, container);
            return 0;
        }
    }

    @Command(name = "port", description = "List port mappings of a container.")
    static final class Port implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "CONTAINER")
        String container;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PRIVATE_PORT[/PROTO]")
        String port;

        @Override
        public Integer call() {
            Engine engine = main.engine();
            Container c = engine.get(container);
            List<io.berth.network.PortMapping> published = new ArrayList<>();
            if (c.running()) {
                engine.endpoints(c.id()).forEach(e -> published.addAll(e.ports()));
            }
            if (port == null) {
                PublishedPorts.portLines(published).forEach(System.out::println);
                return 0;
            }
            String key = port.contains("/") ? port : port + "/tcp";
            List<String> matches = published.stream().filter(p -> p.key().equals(key))
                    .map(p -> p.hostIpOrAll() + ":" + p.hostPort()).toList();
            if (matches.isEmpty()) {
                throw new ExitCodes.UserError("No public port '" + key
                        + "' published for " + container);
            }
            matches.forEach(System.out::println);
            return 0;
        }
    }
}
