package io.berth.convert;

import io.berth.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Docker's bind mounts: {@code -v /host:/container[:OPTIONS]} and {@code --mount
 * type=bind,...} (both arrive as HostConfig.Binds strings) as runtime spec mounts. Options:
 * ro or rw, a propagation (rprivate by default), nocopy (a new named volume is not filled from
 * the image), and SELinux's z/Z, which change nothing here. A source that is no path names a
 * volume ({@code -v data:/data}); anonymous volumes ({@code -v /path}, Config.Volumes) and named
 * ones become binds of their volume's folder when the container starts.
 */
public final class Binds {
    private static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "shared",
            "rshared", "slave", "rslave");
    private static final Set<String> CONSISTENCIES = Set.of("consistent", "cached",
            "delegated");

    private Binds() {
    }

    /**
     * One bind: host source or named volume, container destination, read-only, propagation.
     *
     * @param source the host path, or null for a named volume
     * @param volume the named volume's name, or null for a host path
     * @param noCopy a new volume is left empty rather than filled from the image (nocopy)
     */
    public record Bind(Path source, String volume, String destination, boolean readOnly,
            String propagation, boolean noCopy) {
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
        // dockerd refuses /x:ro with no reason: a volume has no mode, and ro is no path.
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
                || parts.length == 2 && validMode(parts[1])) {
            throw new InvalidRequestException("invalid volume specification: '" + spec + "'");
        }
        if (parts.length == 3 && !validMode(parts[2])) {
            throw new InvalidRequestException("invalid mode: " + parts[2]);
        }
        String volume = parts[0].startsWith("/") ? null : VolumeNames.check(parts[0]);
        String destination = Path.of(parts[1]).normalize().toString();
        if (!parts[1].startsWith("/") || destination.equals("/")) {
            throw new InvalidRequestException("invalid volume specification: '" + spec
                    + "': the container path must be absolute and not /");
        }
        boolean readOnly = false;
        String propagation = "rprivate";
        boolean noCopy = false;
        if (parts.length == 3) {
            for (String option : parts[2].split(",")) {
                if (option.equals("ro") || option.equals("rw")) {
                    readOnly = option.equals("ro");
                } else if (PROPAGATIONS.contains(option)) {
                    propagation = option;
                }
                noCopy |= option.equals("nocopy");
            }
        }
        return new Bind(volume == null ? Path.of(parts[0]).normalize() : null, volume,
                destination, readOnly, propagation, noCopy);
    }

    /**
     * dockerd's test of a mode: known options only, and at most one of each kind (ro or rw, a
     * label, a propagation, nocopy, a consistency). The empty mode is valid.
     */
    private static boolean validMode(String mode) {
        if (mode.isEmpty()) {
            return true;
        }
        int[] kinds = new int[5];
        for (String option : mode.split(",", -1)) {
            int kind = option.equals("ro") || option.equals("rw") ? 0
                    : option.equals("z") || option.equals("Z") ? 1
                    : PROPAGATIONS.contains(option) ? 2
                    : option.equals("nocopy") ? 3
                    : CONSISTENCIES.contains(option) ? 4 : -1;
            if (kind < 0 || ++kinds[kind] > 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * The container paths that get an anonymous volume, checked (absolute, not /) and each
     * once; a path a bind or a tmpfs also names is theirs, as an image's VOLUME is in docker.
     */
    public static List<String> volumes(ContainerRequest req) {
        List<String> out = new ArrayList<>();
        if (req.volumes() == null) {
            return out;
        }
        List<String> taken = new ArrayList<>(parse(req).stream().map(Bind::destination).toList());
        taken.addAll(tmpfsDestinations(req));
        for (String path : req.volumes()) {
            String destination = volumeDestination(path);
            if (!taken.contains(destination) && !out.contains(destination)) {
                out.add(destination);
            }
        }
        return out;
    }

    private static String volumeDestination(String path) {
        String destination = path.isEmpty() ? "" : Path.of(path).normalize().toString();
        if (!path.startsWith("/") || destination.equals("/")) {
            throw new InvalidRequestException("invalid volume specification: '" + path
                    + "': the container path must be absolute and not /");
        }
        return destination;
    }

    private static List<String> tmpfsDestinations(ContainerRequest req) {
        return req.tmpfs() == null ? List.of() : req.tmpfs().keySet().stream()
                .map(d -> d.isEmpty() ? d : Path.of(d).normalize().toString()).toList();
    }

    /**
     * Refuses, in dockerd's words, a request that mounts two things at one place: two binds,
     * or a tmpfs and a bind or an anonymous volume. As in docker, an anonymous volume named
     * twice is one volume and one a bind also names is the bind's: Config.Volumes is a set
     * that dockerd fills only where nothing else is mounted. Also refused: any of them on the
     * container's /proc, which would hide its procfs (runc refuses that mount when the
     * container starts: /proc takes only a procfs).
     */
    public static void checkMountPoints(ContainerRequest req) {
        List<String> binds = parse(req).stream().map(Bind::destination).toList();
        List<String> volumes = req.volumes() == null ? List.of()
                : req.volumes().stream().map(Binds::volumeDestination).toList();
        for (String tmpfs : tmpfsDestinations(req)) {
            if (binds.contains(tmpfs) || volumes.contains(tmpfs)) {
                throw new InvalidRequestException("Duplicate mount point: " + tmpfs);
            }
        }
        List<String> all = new ArrayList<>(binds);
        all.addAll(volumes);
        all.addAll(tmpfsDestinations(req));
        if (all.contains("/proc")) {
            throw new InvalidRequestException("invalid mount point: /proc: the container's"
                    + " procfs is mounted there and cannot be replaced");
        }
    }

    /**
     * The request with the image's VOLUME paths added to its own anonymous volumes, except
     * those it mounts something at itself: docker gives each of them a volume of its own.
     */
    public static ContainerRequest withImageVolumes(ContainerRequest req,
            Collection<String> imageVolumes) {
        if (imageVolumes == null || imageVolumes.isEmpty()) {
            return req;
        }
        List<String> taken = new ArrayList<>(parse(req).stream().map(Bind::destination).toList());
        taken.addAll(tmpfsDestinations(req));
        List<String> merged = new ArrayList<>(req.volumes() == null ? List.of() : req.volumes());
        merged.forEach(v -> taken.add(volumeDestination(v)));
        for (String path : imageVolumes) {
            if (!path.startsWith("/")) {
                continue;
            }
            String destination = Path.of(path).normalize().toString();
            if (!destination.equals("/") && !taken.contains(destination)) {
                taken.add(destination);
                merged.add(destination);
            }
        }
        return req.toBuilder().volumes(merged.isEmpty() ? null : merged).build();
    }

    /** The named volumes a request mounts, each once, in the order it names them. */
    public static List<String> namedVolumes(ContainerRequest req) {
        return parse(req).stream().map(Bind::volume).filter(v -> v != null).distinct().toList();
    }

    /**
     * The request with each volume as a bind of its folder: an anonymous one's, that anonymous
     * gives for its container path, added; a named one's, that named gives for its name, in
     * place of the name. What the container mounts when it starts.
     */
    public static ContainerRequest withVolumes(ContainerRequest req,
            Function<String, Path> anonymous, Function<String, Path> named) {
        List<String> volumes = volumes(req);
        if (volumes.isEmpty() && namedVolumes(req).isEmpty()) {
            return req;
        }
        List<String> binds = new ArrayList<>();
        for (String spec : req.binds() == null ? List.<String>of() : req.binds()) {
            Bind bind = parse(spec);
            binds.add(bind.volume() == null ? spec
                    : named.apply(bind.volume()) + spec.substring(bind.volume().length()));
        }
        volumes.forEach(v -> binds.add(anonymous.apply(v) + ":" + v));
        return req.toBuilder().binds(binds).build();
    }

    /**
     * The spec mounts of the binds. As docker's -v does, a host folder that does not exist yet
     * is made (empty, root's, 0755) when the container starts.
     */
    public static List<Spec.Mount> mounts(ContainerRequest req) {
        List<Spec.Mount> mounts = new ArrayList<>();
        for (Bind b : parse(req)) {
            if (b.volume() != null) {
                throw new IllegalStateException("volume " + b.volume() + " at "
                        + b.destination() + " has no folder yet");
            }
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
