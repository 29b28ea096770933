package io.berth.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime spec's config.json (runtime-spec 1.2), as records named as the spec names its
 * fields. Fields Berth does not use are kept in {@code annotations} or ignored on read. Null
 * means absent; {@link SpecJson} writes only present fields.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Spec(
        String ociVersion,
        Process process,
        Root root,
        String hostname,
        String domainname,
        List<Mount> mounts,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux) {

    public static final String OCI_VERSION = "1.2.0";

    /** The container's process: what is executed, as whom, with which limits. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Process(
            Boolean terminal,
            ConsoleSize consoleSize,
            User user,
            List<String> args,
            List<String> env,
            String cwd,
            Capabilities capabilities,
            List<Rlimit> rlimits,
            Boolean noNewPrivileges,
            Integer oomScoreAdj) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ConsoleSize(int height, int width) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(long uid, long gid, Integer umask, List<Long> additionalGids) {
    }

    /** Capability names as the kernel spells them with the CAP_ prefix: CAP_CHOWN, ... */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Capabilities(
            List<String> bounding,
            List<String> effective,
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {
    }

    /** type is RLIMIT_NOFILE and the like. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rlimit(String type, long hard, long soft) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Root(String path, Boolean readonly) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Mount(String destination, String type, String source, List<String> options) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Hooks(
            List<Hook> prestart,
            List<Hook> createRuntime,
            List<Hook> createContainer,
            List<Hook> startContainer,
            List<Hook> poststart,
            List<Hook> poststop) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Hook(String path, List<String> args, List<String> env, Integer timeout) {
    }

    /** The Linux section: namespaces, id maps, cgroups, devices and the walls around /proc. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Linux(
            List<Namespace> namespaces,
            List<IdMapping> uidMappings,
            List<IdMapping> gidMappings,
            Map<String, TimeOffset> timeOffsets,
            List<Device> devices,
            String cgroupsPath,
            Resources resources,
            String rootfsPropagation,
            Map<String, String> sysctl,
            Seccomp seccomp,
            List<String> maskedPaths,
            List<String> readonlyPaths,
            String mountLabel) {
    }

    /** type: pid, network, mount, ipc, uts, user, cgroup, time. A path joins an existing one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Namespace(String type, String path) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IdMapping(long containerID, long hostID, long size) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TimeOffset(long secs, long nanosecs) {
    }

    /** A device node to create in the container's /dev; type c, b, u or p. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Device(
            String type, String path, long major, long minor, Integer fileMode, Long uid,
            Long gid) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Resources(
            List<DeviceRule> devices,
            Memory memory,
            Cpu cpu,
            Pids pids,
            BlockIO blockIO,
            Map<String, String> unified) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Memory(Long limit, Long reservation, Long swap, Long swappiness,
            Boolean disableOOMKiller) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cpu(Long shares, Long quota, Long period, String cpus, String mems) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pids(long limit) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BlockIO(Integer weight) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Seccomp(String defaultAction, Integer defaultErrnoRet, List<String> architectures,
            List<String> flags, List<Syscall> syscalls) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Syscall(List<String> names, String action, Integer errnoRet,
            List<SeccompArg> args) {

        /** A rule without argument conditions. */
        public Syscall(List<String> names, String action, Integer errnoRet) {
            this(names, action, errnoRet, null);
        }
    }

    /** A condition on argument {@code index}: op is SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ, ... */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SeccompArg(int index, long value, Long valueTwo, String op) {
    }
}
