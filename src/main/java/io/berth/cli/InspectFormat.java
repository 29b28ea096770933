package io.berth.cli;

import io.berth.template.GoMap;
import io.berth.template.NilSlice;
import io.berth.template.Template;
import io.berth.template.TemplateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * inspect's {@code --format}, run as docker's CLI runs it: first on docker's typed value, where
 * a field a struct lacks is an error but a key a map lacks prints {@code <no value>}; when that
 * fails, again on the raw JSON with missingkey=error, whose error is the one shown.
 */
final class InspectFormat {
    /** Where docker's container, image and network types hold Go maps rather than structs. */
    private static final List<String> GO_MAPS = List.of("Config.Labels", "Config.ExposedPorts",
            "Config.Volumes", "HostConfig.PortBindings", "HostConfig.LogConfig.Config",
            "HostConfig.Sysctls", "HostConfig.StorageOpt", "HostConfig.Tmpfs",
            "NetworkSettings.Ports", "NetworkSettings.Networks", "GraphDriver.Data",
            "ContainerConfig.Labels", "Labels", "Options", "IPAM.Options", "Containers");

    /**
     * The fields of docker's container type (container.InspectResponse) that Berth's JSON
     * leaves out or sets to null, with the zero value Go's typed struct shows for them: a nil
     * slice prints [], a nil map map[]. Not yet: nil pointers (HostConfig.PidsLimit,
     * Config.Healthcheck, State.Health), which Go prints as <nil>; they need a typed nil in
     * the template package, and print <no value> or fail as a missing key until then.
     */
    private static final Map<String, Zero> CONTAINER_FIELDS = fields(Map.of(
            Zero.SLICE, "ExecIDs Config.Env Config.Cmd Config.Entrypoint Config.OnBuild "
                    + "Config.Shell HostConfig.Binds HostConfig.VolumesFrom HostConfig.CapAdd "
                    + "HostConfig.CapDrop HostConfig.ExtraHosts HostConfig.GroupAdd "
                    + "HostConfig.Links HostConfig.SecurityOpt HostConfig.Dns "
                    + "HostConfig.DnsOptions HostConfig.DnsSearch HostConfig.BlkioWeightDevice "
                    + "HostConfig.BlkioDeviceReadBps HostConfig.BlkioDeviceWriteBps "
                    + "HostConfig.BlkioDeviceReadIOps HostConfig.BlkioDeviceWriteIOps "
                    + "HostConfig.Devices HostConfig.DeviceCgroupRules HostConfig.DeviceRequests "
                    + "HostConfig.Ulimits HostConfig.MaskedPaths HostConfig.ReadonlyPaths "
                    + "NetworkSettings.SecondaryIPAddresses "
                    + "NetworkSettings.SecondaryIPv6Addresses",
            Zero.MAP, "Config.Labels Config.Volumes Config.ExposedPorts "
                    + "HostConfig.PortBindings HostConfig.Tmpfs HostConfig.Sysctls "
                    + "HostConfig.StorageOpt HostConfig.LogConfig.Config",
            Zero.STRING, "Config.StopSignal Config.MacAddress HostConfig.ContainerIDFile "
                    + "HostConfig.VolumeDriver HostConfig.Cgroup HostConfig.Isolation "
                    + "HostConfig.CgroupParent NetworkSettings.LinkLocalIPv6Address "
                    + "NetworkSettings.GlobalIPv6Address NetworkSettings.IPv6Gateway",
            Zero.BOOL, "Config.ArgsEscaped Config.NetworkDisabled NetworkSettings.HairpinMode",
            Zero.INT, "HostConfig.IOMaximumIOps HostConfig.IOMaximumBandwidth "
                    + "NetworkSettings.LinkLocalIPv6PrefixLen NetworkSettings.GlobalIPv6PrefixLen",
            Zero.PAIR, "HostConfig.ConsoleSize"));

    /** The same for docker's image type (image.InspectResponse, its Config an OCI one). */
    private static final Map<String, Zero> IMAGE_FIELDS = fields(Map.of(
            Zero.SLICE, "RepoTags RepoDigests Manifests RootFS.Layers Config.Env Config.Cmd "
                    + "Config.Entrypoint Config.OnBuild Config.Shell",
            Zero.MAP, "Config.Labels Config.Volumes Config.ExposedPorts GraphDriver.Data",
            Zero.STRING, "Parent Comment Created DockerVersion Author Variant OsVersion "
                    + "Container Config.User Config.WorkingDir Config.StopSignal",
            Zero.BOOL, "Config.ArgsEscaped"));

    /** The same for docker's volume type (volume.Volume). */
    private static final Map<String, Zero> VOLUME_FIELDS = fields(Map.of(
            Zero.MAP, "Labels Options Status"));

    /** Go's zero value of a field's type, as a template prints it. */
    private enum Zero {
        SLICE, MAP, STRING, BOOL, INT, PAIR;

        Object value() {
            return switch (this) {
                case SLICE -> NilSlice.of();
                case MAP -> GoMap.nil();
                case STRING -> "";
                case BOOL -> false;
                case INT -> 0L;
                case PAIR -> List.of(0L, 0L); // a [2]uint, never nil
            };
        }
    }

    private final Template template;

    /** @throws TemplateException as docker's {@code template parsing error: ...} */
    InspectFormat(String format) {
        try {
            this.template = Template.parse(format);
        } catch (TemplateException e) {
            throw new TemplateException("template parsing error: " + e.getMessage());
        }
    }

    /**
     * The object rendered, without a newline.
     *
     * @throws TemplateException with docker's message, {@code template parsing error: ...}
     */
    String render(Object object) {
        try {
            return template.structs("struct").execute(typed(object));
        } catch (TemplateException typedError) {
            try {
                return template.missingKeyError().execute(object);
            } catch (TemplateException rawError) {
                throw new TemplateException("template parsing error: " + rawError.getMessage());
            }
        }
    }

    /**
     * docker's inspect of names: each object found rendered through format, or all of them as
     * one indented JSON array when there is no format; returns the exit code.
     *
     * @param missing what the error for a name that lookup finds nothing for says before it
     */
    static int print(String format, List<String> names, Function<String, Optional<?>> lookup,
            String missing) {
        InspectFormat template;
        try {
            template = format == null ? null : new InspectFormat(format);
        } catch (TemplateException e) {
            // docker's inspect takes a template that does not parse for a usage error.
            System.err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        List<Object> found = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        int code = 0;
        for (String name : names) {
            Optional<?> object = lookup.apply(name);
            if (object.isEmpty()) {
                System.err.println("Error: " + missing + name);
                code = ExitCodes.FAILURE;
            } else if (template != null) {
                code = template.renderTo(out, object.get()) ? code : ExitCodes.FAILURE;
            } else {
                found.add(object.get());
            }
        }
        if (template == null) {
            System.out.println(GoJson.indent(found));
        } else {
            // docker writes a lone newline when nothing rendered.
            System.out.print(out.isEmpty() ? "\n" : out);
        }
        return code;
    }

    /** Appends the object rendered and a newline; false, with the error printed, if it fails. */
    private boolean renderTo(StringBuilder out, Object object) {
        try {
            out.append(render(object)).append('\n');
            return true;
        } catch (TemplateException e) {
            System.err.println(e.getMessage());
            return false;
        }
    }

    private static Object typed(Object object) {
        Object copy = copy(object);
        if (copy instanceof Map<?, ?> root) {
            for (String path : GO_MAPS) {
                markMap(root, path.split("\\."));
            }
            fillZeros(root, zerosFor(root));
        }
        return copy;
    }

    /**
     * Which of docker's types an object stands for, by its shape: only a container has a
     * State, only an image a RootFS, only a volume a Mountpoint. Networks need nothing filled
     * in.
     */
    private static Map<String, Zero> zerosFor(Map<?, ?> root) {
        if (root.containsKey("State") && root.containsKey("HostConfig")) {
            return CONTAINER_FIELDS;
        }
        if (root.containsKey("Mountpoint") && root.containsKey("Scope")) {
            return VOLUME_FIELDS;
        }
        return root.containsKey("RootFS") ? IMAGE_FIELDS : Map.of();
    }

    private static void markMap(Map<?, ?> root, String[] path) {
        Map<String, Object> parent = parentOf(root, path);
        String last = path[path.length - 1];
        if (parent != null && parent.get(last) instanceof Map<?, ?> map) {
            parent.put(last, new GoMap(map));
        }
    }

    /** Puts each field's zero value where the object lacks the field or has it null. */
    private static void fillZeros(Map<?, ?> root, Map<String, Zero> fields) {
        fields.forEach((path, zero) -> {
            String[] names = path.split("\\.");
            Map<String, Object> parent = parentOf(root, names);
            String last = names[names.length - 1];
            if (parent != null && parent.get(last) == null) {
                parent.put(last, zero.value());
            }
        });
    }

    /** The map that holds path's last field, or null when the object has no such map. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> parentOf(Map<?, ?> root, String[] path) {
        Map<String, Object> parent = (Map<String, Object>) root;
        for (int i = 0; i < path.length - 1; i++) {
            if (!(parent.get(path[i]) instanceof Map<?, ?> next)) {
                return null;
            }
            parent = (Map<String, Object>) next;
        }
        return parent;
    }

    /** Each path (of a space-separated list) with the zero it is listed under. */
    private static Map<String, Zero> fields(Map<Zero, String> pathsByZero) {
        Map<String, Zero> out = new LinkedHashMap<>();
        pathsByZero.forEach((zero, paths) -> {
            for (String path : paths.split(" ")) {
                out.put(path, zero);
            }
        });
        return Map.copyOf(out);
    }

    /** A copy whose maps can be changed: the engine's may be immutable, and are shared. */
    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(copy(v)));
            return out;
        }
        return value;
    }
}
