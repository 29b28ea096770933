package io.berth.convert;

import io.berth.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Docker's bind mounts: {@code -v /host:/container[:OPTIONS]} and {@code --mount
 * type=bind,...} (both arrive as HostConfig.Binds strings) as runtime spec mounts. Options:
 * ro or rw, a propagation (rprivate by default), and SELinux's z/Z and nocopy, which change
 * nothing here. Named volumes are refused: Berth has none yet. Anonymous volumes ({@code -v
 * /path}, Config.Volumes) become binds of their volume's folder when the container starts.
 */
public final class Binds {
    private static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "shared",
            "rshared", "slave", "rslave");
    private static final Set<String> IGNORED = Set.of("z", "Z", "nocopy", "consistent",
            "cached", "delegated");

    private Binds() {
    }

    /** One bind: host source, container destination, read-only, propagation. */
    public record Bind(Path source, String destination, boolean readOnly, String propagation) {
    }

    /**
     * The binds of a request, checked: refuses what docker refuses (a relative or named source,
     * a destination that is not absolute or is /, unknown options, one destination twice).
     */
    public static List<Bind> parse(ContainerRequest req) {
        List<Bind> binds = new ArrayList<>();
        if (req.binds() == null) {
            return binds;
        }
        for (String spec : req.binds()) {
            Bind bind = parse(spec);
            if (binds.stream().anyMatch(b -> b.destination().equals(bind.destination()))) {
                throw new InvalidRequestException("Duplicate mount point: " + bind.destination());
            }
            binds.add(bind);
        }
        return binds;
    }

    private static Bind parse(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new InvalidRequestException("invalid volume specification: '" + spec + "'");
        }
        if (!parts[0].startsWith("/")) {
            throw new InvalidRequestException("invalid volume specification: '" + spec
                    + "': named volumes are not supported yet; give an absolute host path");
        }
        String destination = Path.of(parts[1]).normalize().toString();
        if (!parts[1].startsWith("/") || destination.equals("/")) {
            throw new InvalidRequestException("invalid volume specification: '" + spec
                    + "': the container path must be absolute and not /");
        }
        boolean readOnly = false;
        String propagation = "rprivate";
        if (parts.length == 3) {
            for (String option : parts[2].split(",")) {
                if (option.equals("ro") || option.equals("rw")) {
                    readOnly = option.equals("ro");
                } else if (PROPAGATIONS.contains(option)) {
                    propagation = option;
                } else if (!IGNORED.contains(option)) {
                    throw new InvalidRequestException("invalid mode: " + option);
                }
            }
        }
        return new Bind(Path.of(parts[0]).normalize(), destination, readOnly, propagation);
    }

    /**
     * The container paths that get an anonymous volume, checked (absolute, not /) and each
     * once; a path a bind also names is the bind's, as in docker.
     */
    public static List<String> volumes(ContainerRequest req) {
        List<String> out = new ArrayList<>();
        if (req.volumes() == null) {
            return out;
        }
        List<Bind> binds = parse(req);
        for (String path : req.volumes()) {
            String destination = path.isEmpty() ? "" : Path.of(path).normalize().toString();
            if (!path.startsWith("/") || destination.equals("/")) {
                throw new InvalidRequestException("invalid volume specification: '" + path
                        + "': the container path must be absolute and not /");
            }
            boolean bound = binds.stream().anyMatch(b -> b.destination().equals(destination));
            if (!bound && !out.contains(destination)) {
                out.add(destination);
            }
        }
        return out;
    }

    /**
     * The request with each anonymous volume as one more bind, of the folder dataOf gives for
     * its container path: what the container mounts when it starts.
     */
    public static ContainerRequest withVolumes(ContainerRequest req,
            Function<String, Path> dataOf) {
        List<String> volumes = volumes(req);
        if (volumes.isEmpty()) {
            return req;
        }
        List<String> binds = new ArrayList<>(req.binds() == null ? List.of() : req.binds());
        volumes.forEach(v -> binds.add(dataOf.apply(v) + ":" + v));
        return req.toBuilder().binds(binds).build();
    }

    /**
     * The spec mounts of the binds. As docker's -v does, a host folder that does not exist yet
     * is made (empty, root's, 0755) when the container starts.
     */
    public static List<Spec.Mount> mounts(ContainerRequest req) {
        List<Spec.Mount> mounts = new ArrayList<>();
        for (Bind b : parse(req)) {
            if (!Files.exists(b.source())) {
                try {
                    Files.createDirectories(b.source());
                } catch (IOException e) {
                    throw new UncheckedIOException("create the bind source " + b.source() + ": "
                            + e.getMessage(), e);
                }
            }
            List<String> options = new ArrayList<>(List.of("rbind", b.propagation()));
            options.add(b.readOnly() ? "ro" : "rw");
            mounts.add(new Spec.Mount(b.destination(), "bind", b.source().toString(), options));
        }
        return mounts;
    }
}
