package io.berth.engine;

import io.berth.cgroups.CgroupDriver;
import io.berth.convert.Binds;
import io.berth.convert.ContainerRequest;
import io.berth.convert.Host;
import io.berth.convert.InvalidRequestException;
import io.berth.convert.Resources;
import io.berth.convert.Security;
import io.berth.convert.SpecConverter;
import io.berth.runtime.ContainerStartException;
import io.berth.runtime.SeccompProfiles;
import io.berth.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The walls the engine adds around a converted spec: the seccomp profile (the runtime owns the
 * profiles, which convert may not use), checks of a request's limits and privileges before
 * anything is made, and the record of an OOM kill that outlives the container's cgroup.
 */
final class Confinement {
    private static final String OOM_MARK = "oom-killed";

    private Confinement() {
    }

    /**
     * Refuses at create what would only fail at start: impossible limits, unknown
     * capabilities, ulimits above this machine's, sysctls outside the container's namespaces,
     * missing devices, a seccomp profile that is not one.
     */
    static void check(ContainerRequest request, Host host) {
        Resources.limits(request, host);
        Security.rlimits(request, host);
        Security.sysctls(request);
        Security.tmpfs(request);
        Binds.parse(request);
        Security.oomScoreAdj(request);
        Security.noNewPrivileges(request);
        Security.deviceRules(request, host);
        Security.devices(request, host);
        SpecConverter.checkEnv(request);
        seccomp(request, Security.capabilities(request, host));
    }

    /** The spec with linux.seccomp as --security-opt seccomp= asks (the default if not). */
    static Spec withSeccomp(Spec spec, ContainerRequest request) {
        Spec.Capabilities caps = spec.process().capabilities();
        Spec.Seccomp seccomp = seccomp(request, caps == null ? List.of() : caps.bounding())
                .orElse(null);
        Spec.Linux l = spec.linux();
        Spec.Linux linux = new Spec.Linux(l.namespaces(), l.uidMappings(), l.gidMappings(),
                l.timeOffsets(), l.devices(), l.cgroupsPath(), l.resources(),
                l.rootfsPropagation(), l.sysctl(), seccomp, l.maskedPaths(), l.readonlyPaths(),
                l.mountLabel());
        return new Spec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(),
                spec.domainname(), spec.mounts(), spec.hooks(), spec.annotations(), linux);
    }

    /**
     * A profile given as JSON (docker's CLI sends the file's content), as a file's path
     * (a program embedding the engine), "unconfined", or the default for null.
     */
    private static Optional<Spec.Seccomp> seccomp(ContainerRequest request, List<String> caps) {
        String value = Security.seccomp(request);
        try {
            if (value != null && value.strip().startsWith("{")) {
                return Optional.of(SeccompProfiles.fromDockerJson(value, caps));
            }
            return SeccompProfiles.forSecurityOpt(value, caps);
        } catch (ContainerStartException e) {
            throw new InvalidRequestException("invalid --security-opt seccomp: "
                    + e.getMessage());
        }
    }

    /**
     * Keeps the cgroup's word on an OOM kill, before the cgroup is removed. Only a kill is
     * written, never its absence: a second client finishing the same exit may find the cgroup
     * already gone, and must not erase what the first one saw. A new start clears the mark.
     */
    static void recordOomKill(CgroupDriver cgroups, String cgroupsPath, Path containerDir) {
        boolean killed;
        try {
            killed = cgroups.oomKilled(cgroupsPath);
        } catch (RuntimeException e) {
            return; // no cgroup left to ask: nothing was recorded by the kernel either
        }
        try {
            if (killed && Files.isDirectory(containerDir)) {
                Files.writeString(containerDir.resolve(OOM_MARK), "1\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("record the OOM kill of " + containerDir, e);
        }
    }

    /** Whether the container's last run ended in an OOM kill (docker's State.OOMKilled). */
    static boolean oomKilled(Path containerDir) {
        return Files.exists(containerDir.resolve(OOM_MARK));
    }

    /** A new run starts without the last run's OOM kill. */
    static void forgetOomKill(Path containerDir) {
        try {
            Files.deleteIfExists(containerDir.resolve(OOM_MARK));
        } catch (IOException e) {
            throw new UncheckedIOException("forget the OOM kill of " + containerDir, e);
        }
    }
}
