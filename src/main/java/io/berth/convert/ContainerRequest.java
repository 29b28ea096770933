package io.berth.convert;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a user asks for when creating a container: the CLI's flags and the Docker API's create
 * body both become this one record, so their behaviour cannot drift. Null means "not given"
 * (the image's default applies); an empty list for entrypoint means "reset it".
 *
 * <p>Namespace modes follow docker's words: {@code ""} or {@code "private"} for a new one,
 * {@code "host"} to share the host's; network also takes {@code "none"}, {@code "bridge"} and
 * {@code "container:ID"} or a user network's name; userns takes {@code "auto"}; timens (Berth's
 * own) {@code "private"}. Ports are docker's {@code -p} strings, parsed by the network layer;
 * expose holds the ports the container exposes beyond its image's, each as {@code 80/tcp}.
 * consoleSize is docker's [rows, columns] for a terminal's first size.
 *
 * <p>Resources and privileges keep the names and units of docker's HostConfig: memory sizes in
 * bytes, memorySwap the total of memory and swap (-1 unlimited; null with memory set means twice
 * memory), nanoCpus in billionths of a CPU, pidsLimit 0 or -1 for unlimited, sysctls and tmpfs
 * (destination to options) as maps. securityOpt holds docker's strings ({@code
 * seccomp=unconfined}, {@code seccomp=<profile JSON>}, {@code no-new-privileges}); groupAdd
 * docker's --group-add, group names or ids joined on top of the user's own groups. binds are
 * docker's HostConfig.Binds strings, {@code /host/path:/container/path[:ro]}; volumes are
 * docker's Config.Volumes, the container paths that get an anonymous volume each.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerRequest(
        String name,
        String image,
        List<String> cmd,
        List<String> entrypoint,
        List<String> env,
        String workingDir,
        String user,
        String hostname,
        String domainname,
        boolean tty,
        boolean openStdin,
        Map<String, String> labels,
        boolean autoRemove,
        String pidMode,
        String ipcMode,
        String utsMode,
        String networkMode,
        String cgroupnsMode,
        String usernsMode,
        String timensMode,
        String stopSignal,
        Integer stopTimeout,
        List<String> publish,
        boolean publishAll,
        List<String> expose,
        List<String> networkAliases,
        List<String> extraHosts,
        List<String> dns,
        List<String> dnsSearch,
        List<String> dnsOptions,
        String macAddress,
        String ipAddress,
        boolean init,
        String restartPolicy,
        List<Integer> consoleSize,
        Long memory,
        Long memorySwap,
        Long memoryReservation,
        Long nanoCpus,
        Long cpuShares,
        Long cpuQuota,
        Long cpuPeriod,
        String cpusetCpus,
        String cpusetMems,
        Long pidsLimit,
        Integer blkioWeight,
        List<Ulimit> ulimits,
        Long shmSize,
        Integer oomScoreAdj,
        Map<String, String> sysctls,
        List<DeviceMapping> devices,
        boolean privileged,
        List<String> capAdd,
        List<String> capDrop,
        List<String> securityOpt,
        List<String> groupAdd,
        boolean readonlyRootfs,
        Map<String, String> tmpfs,
        String logDriver,
        Map<String, String> logOpts,
        List<String> binds,
        List<String> volumes) {

    /** A builder holding this request's every field, to change a few (docker update). */
    public Builder toBuilder() {
        Builder b = new Builder(image);
        b.name = name;
        b.cmd = cmd;
        b.entrypoint = entrypoint;
        b.env = env;
        b.workingDir = workingDir;
        b.user = user;
        b.hostname = hostname;
        b.domainname = domainname;
        b.tty = tty;
        b.openStdin = openStdin;
        b.labels = labels;
        b.autoRemove = autoRemove;
        b.pidMode = pidMode;
        b.ipcMode = ipcMode;
        b.utsMode = utsMode;
        b.networkMode = networkMode;
        b.cgroupnsMode = cgroupnsMode;
        b.usernsMode = usernsMode;
        b.timensMode = timensMode;
        b.stopSignal = stopSignal;
        b.stopTimeout = stopTimeout;
        b.publish = publish;
        b.publishAll = publishAll;
        b.expose = expose;
        b.networkAliases = networkAliases;
        b.extraHosts = extraHosts;
        b.dns = dns;
        b.dnsSearch = dnsSearch;
        b.dnsOptions = dnsOptions;
        b.macAddress = macAddress;
        b.ipAddress = ipAddress;
        b.init = init;
        b.restartPolicy = restartPolicy;
        b.consoleSize = consoleSize;
        b.memory = memory;
        b.memorySwap = memorySwap;
        b.memoryReservation = memoryReservation;
        b.nanoCpus = nanoCpus;
        b.cpuShares = cpuShares;
        b.cpuQuota = cpuQuota;
        b.cpuPeriod = cpuPeriod;
        b.cpusetCpus = cpusetCpus;
        b.cpusetMems = cpusetMems;
        b.pidsLimit = pidsLimit;
        b.blkioWeight = blkioWeight;
        b.ulimits = ulimits;
        b.shmSize = shmSize;
        b.oomScoreAdj = oomScoreAdj;
        b.sysctls = sysctls;
        b.devices = devices;
        b.privileged = privileged;
        b.capAdd = capAdd;
        b.capDrop = capDrop;
        b.securityOpt = securityOpt;
        b.groupAdd = groupAdd;
        b.readonlyRootfs = readonlyRootfs;
        b.tmpfs = tmpfs;
        b.logDriver = logDriver;
        b.logOpts = logOpts;
        b.binds = binds;
        b.volumes = volumes;
        return b;
    }

    /** A builder, since most requests set a handful of fields. */
    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** Collects a request field by field; unset fields stay null. */
    public static final class Builder {
        private String name;
        private final String image;
        private List<String> cmd;
        private List<String> entrypoint;
        private List<String> env;
        private String workingDir;
        private String user;
        private String hostname;
        private String domainname;
        private boolean tty;
        private boolean openStdin;
        private Map<String, String> labels;
        private boolean autoRemove;
        private String pidMode;
        private String ipcMode;
        private String utsMode;
        private String networkMode;
        private String cgroupnsMode;
        private String usernsMode;
        private String timensMode;
        private String stopSignal;
        private Integer stopTimeout;
        private List<String> publish;
        private boolean publishAll;
        private List<String> expose;
        private List<String> networkAliases;
        private List<String> extraHosts;
        private List<String> dns;
        private List<String> dnsSearch;
        private List<String> dnsOptions;
        private String macAddress;
        private String ipAddress;
        private boolean init;
        private String restartPolicy;
        private List<Integer> consoleSize;
        private Long memory;
        private Long memorySwap;
        private Long memoryReservation;
        private Long nanoCpus;
        private Long cpuShares;
        private Long cpuQuota;
        private Long cpuPeriod;
        private String cpusetCpus;
        private String cpusetMems;
        private Long pidsLimit;
        private Integer blkioWeight;
        private List<Ulimit> ulimits;
        private Long shmSize;
        private Integer oomScoreAdj;
        private Map<String, String> sysctls;
        private List<DeviceMapping> devices;
        private boolean privileged;
        private List<String> capAdd;
        private List<String> capDrop;
        private List<String> securityOpt;
        private List<String> groupAdd;
        private boolean readonlyRootfs;
        private Map<String, String> tmpfs;
        private String logDriver;
        private Map<String, String> logOpts;
        private List<String> binds;
        private List<String> volumes;

        private Builder(String image) {
            this.image = image;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder cmd(List<String> v) { cmd = v; return this; }
        public Builder entrypoint(List<String> v) { entrypoint = v; return this; }
        public Builder env(List<String> v) { env = v; return this; }
        public Builder workingDir(String v) { workingDir = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder domainname(String v) { domainname = v; return this; }
        public Builder tty(boolean v) { tty = v; return this; }
        public Builder openStdin(boolean v) { openStdin = v; return this; }
        public Builder labels(Map<String, String> v) { labels = v; return this; }
        public Builder autoRemove(boolean v) { autoRemove = v; return this; }
        public Builder pidMode(String v) { pidMode = v; return this; }
        public Builder ipcMode(String v) { ipcMode = v; return this; }
        public Builder utsMode(String v) { utsMode = v; return this; }
        public Builder networkMode(String v) { networkMode = v; return this; }
        public Builder cgroupnsMode(String v) { cgroupnsMode = v; return this; }
        public Builder usernsMode(String v) { usernsMode = v; return this; }
        public Builder timensMode(String v) { timensMode = v; return this; }
        public Builder stopSignal(String v) { stopSignal = v; return this; }
        public Builder stopTimeout(Integer v) { stopTimeout = v; return this; }
        public Builder publish(List<String> v) { publish = v; return this; }
        public Builder publishAll(boolean v) { publishAll = v; return this; }
        public Builder expose(List<String> v) { expose = v; return this; }
        public Builder networkAliases(List<String> v) { networkAliases = v; return this; }
        public Builder extraHosts(List<String> v) { extraHosts = v; return this; }
        public Builder dns(List<String> v) { dns = v; return this; }
        public Builder dnsSearch(List<String> v) { dnsSearch = v; return this; }
        public Builder dnsOptions(List<String> v) { dnsOptions = v; return this; }
        public Builder macAddress(String v) { macAddress = v; return this; }
        public Builder ipAddress(String v) { ipAddress = v; return this; }
        public Builder init(boolean v) { init = v; return this; }
        public Builder restartPolicy(String v) { restartPolicy = v; return this; }
        public Builder consoleSize(List<Integer> v) { consoleSize = v; return this; }
        public Builder memory(Long v) { memory = v; return this; }
        public Builder memorySwap(Long v) { memorySwap = v; return this; }
        public Builder memoryReservation(Long v) { memoryReservation = v; return this; }
        public Builder nanoCpus(Long v) { nanoCpus = v; return this; }
        public Builder cpuShares(Long v) { cpuShares = v; return this; }
        public Builder cpuQuota(Long v) { cpuQuota = v; return this; }
        public Builder cpuPeriod(Long v) { cpuPeriod = v; return this; }
        public Builder cpusetCpus(String v) { cpusetCpus = v; return this; }
        public Builder cpusetMems(String v) { cpusetMems = v; return this; }
        public Builder pidsLimit(Long v) { pidsLimit = v; return this; }
        public Builder blkioWeight(Integer v) { blkioWeight = v; return this; }
        public Builder ulimits(List<Ulimit> v) { ulimits = v; return this; }
        public Builder shmSize(Long v) { shmSize = v; return this; }
        public Builder oomScoreAdj(Integer v) { oomScoreAdj = v; return this; }
        public Builder sysctls(Map<String, String> v) { sysctls = v; return this; }
        public Builder devices(List<DeviceMapping> v) { devices = v; return this; }
        public Builder privileged(boolean v) { privileged = v; return this; }
        public Builder capAdd(List<String> v) { capAdd = v; return this; }
        public Builder capDrop(List<String> v) { capDrop = v; return this; }
        public Builder securityOpt(List<String> v) { securityOpt = v; return this; }
        public Builder groupAdd(List<String> v) { groupAdd = v; return this; }
        public Builder readonlyRootfs(boolean v) { readonlyRootfs = v; return this; }
        public Builder tmpfs(Map<String, String> v) { tmpfs = v; return this; }
        public Builder logDriver(String v) { logDriver = v; return this; }
        public Builder logOpts(Map<String, String> v) { logOpts = v; return this; }
        public Builder binds(List<String> v) { binds = v; return this; }
        public Builder volumes(List<String> v) { volumes = v; return this; }

        public ContainerRequest build() {
            return new ContainerRequest(name, image, cmd, entrypoint, env, workingDir, user,
                    hostname, domainname, tty, openStdin, labels, autoRemove, pidMode, ipcMode,
                    utsMode, networkMode, cgroupnsMode, usernsMode, timensMode, stopSignal,
                    stopTimeout, publish, publishAll, expose, networkAliases, extraHosts, dns,
                    dnsSearch, dnsOptions, macAddress, ipAddress, init, restartPolicy, consoleSize,
                    memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuQuota, cpuPeriod,
                    cpusetCpus, cpusetMems, pidsLimit, blkioWeight, ulimits, shmSize, oomScoreAdj,
                    sysctls, devices, privileged, capAdd, capDrop, securityOpt, groupAdd,
                    readonlyRootfs, tmpfs, logDriver, logOpts, binds, volumes);
        }
    }
}
