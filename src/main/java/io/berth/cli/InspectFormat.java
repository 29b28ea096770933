package io.berth.cli;

import io.berth.template.GoMap;
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

    /** Go maps that docker's JSON leaves out when empty but its typed value still has. */
    private static final List<String> OMITTED_MAPS = List.of("Config.ExposedPorts",
            "Config.Labels");

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
                markMap(root, path.split("\\."), OMITTED_MAPS.contains(path));
            }
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static void markMap(Map<?, ?> root, String[] path, boolean evenIfOmitted) {
        Map<String, Object> parent = (Map<String, Object>) root;
        for (int i = 0; i < path.length - 1; i++) {
            if (!(parent.get(path[i]) instanceof Map<?, ?> next)) {
                return;
            }
            parent = (Map<String, Object>) next;
        }
        String last = path[path.length - 1];
        if (parent.get(last) instanceof Map<?, ?> map) {
            parent.put(last, new GoMap(map));
        } else if (evenIfOmitted && !parent.containsKey(last)) {
            parent.put(last, new GoMap(Map.of()));
        }
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
