package io.berth.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.spec.Spec;
import io.berth.spec.SpecJson;
import io.berth.sys.Errno;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Seccomp profiles in Docker's format ({@code --security-opt seccomp=FILE}), turned into the
 * runtime spec's {@code linux.seccomp} for one container: the rules whose {@code includes} and
 * {@code excludes} (capabilities, architectures, minimum kernel) fit it, and the architectures
 * of this machine's {@code archMap} entry. A profile in the runtime spec's own form (with
 * {@code architectures} instead of {@code archMap}) reads the same way.
 */
public final class SeccompProfiles {
    private static final String DEFAULT = "seccomp-default.json";

    private SeccompProfiles() {
    }

    /**
     * Berth's default profile (resource seccomp-default.json, after Docker's): syscalls an
     * unprivileged container needs, more for each capability it holds; unlisted ones fail with
     * EPERM, and ones newer than every syscall it names with ENOSYS.
     *
     * @param capabilities the container's capabilities (its bounding set), e.g. CAP_SYS_ADMIN
     */
    public static Spec.Seccomp defaultProfile(Collection<String> capabilities) {
        try (InputStream in = SeccompProfiles.class.getResourceAsStream(DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DEFAULT + " is missing");
            }
            return fromDockerJson(new String(in.readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8), capabilities);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + DEFAULT, e);
        }
    }

    /**
     * What {@code --security-opt seccomp=VALUE} asks for: empty for "unconfined", the default
     * profile for null or "default", else the profile in the JSON file VALUE names.
     *
     * @throws ContainerStartException (EINVAL) when the file is missing or not a profile
     */
    public static Optional<Spec.Seccomp> forSecurityOpt(String value,
            Collection<String> capabilities) {
        if ("unconfined".equals(value)) {
            return Optional.empty();
        }
        if (value == null || value.isEmpty() || "default".equals(value)) {
            return Optional.of(defaultProfile(capabilities));
        }
        try {
            return Optional.of(fromDockerJson(Files.readString(Path.of(value)), capabilities));
        } catch (IOException e) {
            throw invalid(value + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * A profile in Docker's JSON format for a container with these capabilities.
     *
     * @throws ContainerStartException (EINVAL) naming the field when the JSON is not a profile
     */
    public static Spec.Seccomp fromDockerJson(String json, Collection<String> capabilities) {
        JsonNode root;
        try {
            root = SpecJson.mapper().readTree(json);
        } catch (IOException e) {
            throw invalid("is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.path("defaultAction").isTextual()) {
            throw invalid("has no defaultAction");
        }
        Set<String> caps = capabilities == null ? Set.of() : Set.copyOf(capabilities);
        List<Spec.Syscall> rules = new ArrayList<>();
        for (JsonNode rule : root.path("syscalls")) {
            if (applies(rule, caps)) {
                rules.add(syscall(rule));
            }
        }
        Integer errno = root.hasNonNull("defaultErrnoRet") ? root.get("defaultErrnoRet").asInt()
                : null;
        return new Spec.Seccomp(root.get("defaultAction").asText(), errno, architectures(root),
                strings(root.path("flags")), rules);
    }

    /** This machine's architecture as Docker's profiles name it (Go's GOARCH). */
    static String nativeArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    /** This machine's architecture as libseccomp names it (SCMP_ARCH_...). */
    static String nativeScmpArch() {
        return switch (nativeArch()) {
            case "amd64" -> "SCMP_ARCH_X86_64";
            case "arm64" -> "SCMP_ARCH_AARCH64";
            default -> "SCMP_ARCH_" + nativeArch().toUpperCase(java.util.Locale.ROOT);
        };
    }

    private static List<String> architectures(JsonNode root) {
        if (root.has("architectures")) {
            return strings(root.get("architectures"));
        }
        for (JsonNode entry : root.path("archMap")) {
            if (nativeScmpArch().equals(entry.path("architecture").asText())) {
                List<String> arches = new ArrayList<>(List.of(nativeScmpArch()));
                arches.addAll(strings(entry.path("subArchitectures")));
                return arches;
            }
        }
        return List.of();
    }

    private static boolean applies(JsonNode rule, Set<String> caps) {
        JsonNode in = rule.path("includes");
        JsonNode out = rule.path("excludes");
        if (!caps.containsAll(strings(in.path("caps")))) {
            return false;
        }
        List<String> arches = strings(in.path("arches"));
        if (!arches.isEmpty() && !arches.contains(nativeArch())) {
            return false;
        }
        if (in.hasNonNull("minKernel") && !kernelAtLeast(in.get("minKernel").asText())) {
            return false;
        }
        return strings(out.path("caps")).stream().noneMatch(caps::contains)
                && !strings(out.path("arches")).contains(nativeArch());
    }

    private static Spec.Syscall syscall(JsonNode rule) {
        List<String> names = rule.has("names") ? strings(rule.get("names"))
                : List.of(rule.path("name").asText());
        if (!rule.path("action").isTextual()) {
            throw invalid("has a rule for " + names + " without an action");
        }
        List<Spec.SeccompArg> args = new ArrayList<>();
        for (JsonNode a : rule.path("args")) {
            args.add(new Spec.SeccompArg(a.path("index").asInt(), a.path("value").asLong(),
                    a.hasNonNull("valueTwo") ? a.get("valueTwo").asLong() : null,
                    a.path("op").asText()));
        }
        Integer errno = rule.hasNonNull("errnoRet") ? rule.get("errnoRet").asInt() : null;
        return new Spec.Syscall(names, rule.get("action").asText(), errno,
                args.isEmpty() ? null : args);
    }

    /** Whether the running kernel is at least "major.minor". */
    static boolean kernelAtLeast(String wanted) {
        return compareVersions(System.getProperty("os.version"), wanted) >= 0;
    }

    static int compareVersions(String have, String wanted) {
        String[] h = have.split("[^0-9]+", 3);
        String[] w = wanted.split("[^0-9]+", 3);
        for (int i = 0; i < 2; i++) {
            int a = i < h.length && !h[i].isEmpty() ? Integer.parseInt(h[i]) : 0;
            int b = i < w.length && !w[i].isEmpty() ? Integer.parseInt(w[i]) : 0;
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        return 0;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static ContainerStartException invalid(String what) {
        return new ContainerStartException("seccomp profile " + what, Errno.EINVAL);
    }
}
