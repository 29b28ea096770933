package io.berth.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.spec.Capability;
import io.berth.spec.ImageConfig;
import io.berth.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Docker's resource and privilege flags, converted against a made-up machine. */
class WallsConversionTest {
    private static final String ID =
            "77f1d2b9bc6e714a01b266d353e0834744d4b4737a7b30cc7592bfb418b0e41d";
    /** Like this project's machines: every capability but CAP_SYS_RESOURCE. */
    private static final long BOUNDING = 0x1fffeffffffL;
    private static final Spec.Device FUSE = new Spec.Device("c", "/dev/fuse", 10, 229, 0600,
            0L, 0L);
    private static final Spec.Device DISK = new Spec.Device("b", "/dev/sda", 8, 0, 0660, 0L, 6L);

    /** Two CPUs, a hard nofile of 20000, /dev/fuse and /dev/sda, no blkio weight. */
    private static final Host HOST = new Host() {
        @Override
        public long capabilityBoundingSet() {
            return BOUNDING;
        }

        @Override
        public int cpus() {
            return 2;
        }

        @Override
        public long hardLimit(String rlimitType) {
            return rlimitType.equals("RLIMIT_NOFILE") ? 20000 : -1;
        }

        @Override
        public Optional<Spec.Device> device(String hostPath) {
            return devices().stream().filter(d -> d.path().equals(hostPath)).findFirst();
        }

        @Override
        public List<Spec.Device> devices() {
            return List.of(FUSE, DISK);
        }

        @Override
        public boolean blkioWeight() {
            return false;
        }
    };

    private static ContainerRequest.Builder request() {
        return ContainerRequest.builder("busybox").cmd(List.of("sh"));
    }

    private static Spec convert(ContainerRequest.Builder request) {
        return SpecConverter.convert(new SpecConverter.Input(ID, request.build(),
                ImageConfig.empty(), Path.of("/b/rootfs"), new ResolvedUser(0, 0, "/root",
                        List.of()), null, null, null, null, "/berth/" + ID, null, HOST));
    }

    private static long mask(List<String> names) {
        long mask = 0;
        for (String n : names) {
            mask |= 1L << Capability.parse(n).orElseThrow().ordinal();
        }
        return mask;
    }

    private static String refusal(ContainerRequest.Builder request) {
        return assertThrows(InvalidRequestException.class, () -> convert(request)).getMessage();
    }

    @Test
    void sizesFollowDockersBinaryUnits() {
        assertEquals(512L << 20, Resources.parseBytes("512m"));
        assertEquals(1L << 30, Resources.parseBytes("1g"));
        assertEquals(3L << 29, Resources.parseBytes("1.5GiB"));
        assertEquals(64L << 20, Resources.parseBytes("64mb"));
        assertEquals(1024, Resources.parseBytes("1024"));
        assertEquals(-1, Resources.parseBytesOrUnlimited("-1"));
        assertThrows(InvalidRequestException.class, () -> Resources.parseBytes("lots"));
        assertThrows(InvalidRequestException.class, () -> Resources.parseBytes("-5m"));
    }

    @Test
    void cpusBecomeAQuotaOverAHundredMillisecondPeriod() {
        assertEquals(1_500_000_000L, Resources.parseCpus("1.5"));
        Spec.Cpu cpu = convert(request().nanoCpus(Resources.parseCpus("1.5"))).linux()
                .resources().cpu();
        assertEquals(150_000L, cpu.quota());
        assertEquals(100_000L, cpu.period());
    }

    @Test
    void moreCpusThanTheMachineHasOrCpusWithAQuotaAreRefused() {
        assertEquals("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available",
                refusal(request().nanoCpus(Resources.parseCpus("3"))));
        assertTrue(refusal(request().nanoCpus(1_000_000_000L).cpuQuota(50_000L))
                .startsWith("Conflicting options"));
    }

    @Test
    void aCpusetBeyondTheMachinesCpusIsRefused() {
        assertEquals("Requested CPUs are not available - requested 0-3, available: 0-1",
                refusal(request().cpusetCpus("0-3")));
        assertEquals("Invalid value x for cpuset cpus", refusal(request().cpusetCpus("x")));
        assertEquals("0,1", convert(request().cpusetCpus("0,1")).linux().resources().cpu()
                .cpus());
    }

    @Test
    void memoryAloneGetsTwiceItsSizeAsMemoryPlusSwap() {
        Spec.Memory m = convert(request().memory(16L << 20)).linux().resources().memory();
        assertEquals(16L << 20, m.limit());
        assertEquals(32L << 20, m.swap());
        assertEquals(-1L, convert(request().memory(16L << 20).memorySwap(-1L)).linux()
                .resources().memory().swap());
    }

    @Test
    void impossibleMemoryLimitsGetDockersMessages() {
        assertEquals("Minimum memory limit allowed is 6MB", refusal(request().memory(1L << 20)));
        assertTrue(refusal(request().memorySwap(1L << 30)).startsWith(
                "You should always set the Memory limit"));
        assertTrue(refusal(request().memory(1L << 30).memorySwap(1L << 20)).startsWith(
                "Minimum memoryswap limit should be larger than memory limit"));
    }

    @Test
    void pidsCpusetsAndSharesReachTheSpec() {
        Spec.Resources r = convert(request().pidsLimit(64L).cpusetCpus("0").cpusetMems("0")
                .cpuShares(512L)).linux().resources();
        assertEquals(64, r.pids().limit());
        assertEquals("0", r.cpu().cpus());
        assertEquals(512L, r.cpu().shares());
        assertEquals(-1, convert(request().pidsLimit(-1L)).linux().resources().pids().limit());
    }

    @Test
    void aBlkioWeightIsDroppedWhereTheKernelCannotWeigh() {
        assertNull(convert(request().blkioWeight(300)).linux().resources().blockIO());
        assertEquals("Range of blkio weight is from 10 to 1000",
                refusal(request().blkioWeight(5)));
    }

    @Test
    void theDefaultCapabilitiesAreDockersFourteen() {
        Spec spec = convert(request());
        assertEquals(0xa80425fbL, mask(spec.process().capabilities().effective()));
        assertEquals(0xa80425fbL, mask(spec.process().capabilities().bounding()));
    }

    @Test
    void capAddAndCapDropChangeTheDefaultSet() {
        List<String> caps = convert(request().capAdd(List.of("NET_ADMIN"))
                .capDrop(List.of("cap_chown"))).process().capabilities().bounding();
        assertTrue(caps.contains("CAP_NET_ADMIN"));
        assertFalse(caps.contains("CAP_CHOWN"));
        assertEquals(14, caps.size());
    }

    @Test
    void dropAllLeavesOnlyTheAddedAndAddAllIsTheMachinesWholeSet() {
        assertEquals(List.of("CAP_CHOWN"), convert(request().capDrop(List.of("ALL"))
                .capAdd(List.of("chown"))).process().capabilities().bounding());
        long all = mask(convert(request().capAdd(List.of("ALL")).capDrop(List.of("NET_RAW")))
                .process().capabilities().bounding());
        assertEquals(BOUNDING & ~(1L << Capability.NET_RAW.ordinal()), all);
    }

    @Test
    void anUnknownCapabilityOrOneOutsideTheBoundingSetIsRefused() {
        assertEquals("invalid --cap-add: unknown capability: \"CAP_FLY\"",
                refusal(request().capAdd(List.of("fly"))));
        assertTrue(refusal(request().capAdd(List.of("SYS_RESOURCE")))
                .contains("CAP_SYS_RESOURCE is not in this machine's bounding set"));
    }

    @Test
    void privilegedGetsEveryCapabilityDeviceAndAWritableSysWithoutMaskedPaths() {
        Spec spec = convert(request().privileged(true).capDrop(List.of("CHOWN")));
        assertEquals(BOUNDING, mask(spec.process().capabilities().effective()));
        assertNull(spec.linux().maskedPaths());
        assertNull(spec.linux().readonlyPaths());
        assertTrue(spec.linux().devices().contains(FUSE));
        assertTrue(spec.linux().devices().contains(DISK));
        assertEquals(List.of(new Spec.DeviceRule(true, null, null, null, "rwm")),
                spec.linux().resources().devices());
        Spec.Mount sys = spec.mounts().stream().filter(m -> m.destination().equals("/sys"))
                .findFirst().orElseThrow();
        assertTrue(sys.options().contains("rw"));
        assertEquals("unconfined", Security.seccomp(request().privileged(true).build()));
    }

    @Test
    void anUnprivilegedContainerDeniesDevicesButTheDefaultsAndItsOwn() {
        Spec spec = convert(request().devices(List.of(DeviceMapping.parse("/dev/fuse:/dev/f:rw"))));
        List<Spec.DeviceRule> rules = spec.linux().resources().devices();
        assertEquals(new Spec.DeviceRule(false, null, null, null, "rwm"), rules.get(0));
        assertTrue(rules.contains(new Spec.DeviceRule(true, "c", 10L, 229L, "rw")));
        assertTrue(spec.linux().devices().contains(new Spec.Device("c", "/dev/f", 10, 229, 0600,
                0L, 0L)));
        assertFalse(spec.linux().devices().contains(DISK));
        assertTrue(refusal(request().devices(List.of(DeviceMapping.parse("/dev/nope"))))
                .contains("\"/dev/nope\""));
    }

    @Test
    void deviceSpecificationsParseAsDockersDo() {
        assertEquals(new DeviceMapping("/dev/fuse", "/dev/fuse", "rwm"),
                DeviceMapping.parse("/dev/fuse"));
        assertEquals(new DeviceMapping("/dev/fuse", "/dev/fuse", "r"),
                DeviceMapping.parse("/dev/fuse:r"));
        assertEquals(new DeviceMapping("/dev/fuse", "/dev/x", "rwm"),
                DeviceMapping.parse("/dev/fuse:/dev/x"));
        assertThrows(InvalidRequestException.class, () -> DeviceMapping.parse("/dev/a:b:c:d"));
        assertThrows(InvalidRequestException.class, () -> DeviceMapping.parse("/dev/a:/b:rwx"));
    }

    @Test
    void ulimitsBecomeRlimitsWithinTheMachinesHardLimits() {
        assertEquals(List.of(new Spec.Rlimit("RLIMIT_NOFILE", 2048, 1024)),
                convert(request().ulimits(List.of(Ulimit.parse("nofile=1024:2048")))).process()
                        .rlimits());
        assertEquals(new Ulimit("nproc", 10, 10), Ulimit.parse("nproc=10"));
        assertTrue(refusal(request().ulimits(List.of(Ulimit.parse("nofile=1024:30000"))))
                .contains("above this machine's 20000"));
        assertTrue(refusal(request().ulimits(List.of(Ulimit.parse("nofile=4096:2048"))))
                .startsWith("ulimit soft limit must be less than or equal to hard limit"));
        assertEquals("invalid ulimit type: wings",
                refusal(request().ulimits(List.of(Ulimit.parse("wings=1")))));
    }

    @Test
    void onlySysctlsOfTheContainersOwnNamespacesAreAllowed() {
        assertEquals(Map.of("net.ipv4.ip_forward", "1"), convert(request().sysctls(
                Map.of("net.ipv4.ip_forward", "1"))).linux().sysctl());
        assertEquals(Map.of("kernel.shmmax", "1000"), convert(request().sysctls(
                Map.of("kernel.shmmax", "1000"))).linux().sysctl());
        assertTrue(refusal(request().sysctls(Map.of("vm.swappiness", "1")))
                .contains("not in a separate kernel namespace"));
        assertTrue(refusal(request().networkMode("host").sysctls(Map.of("net.ipv4.ip_forward",
                "1"))).contains("host network namespace"));
        assertTrue(refusal(request().ipcMode("host").sysctls(Map.of("fs.mqueue.msg_max",
                "10"))).contains("host IPC namespace"));
    }

    @Test
    void securityOptionsAreDockersAndNothingElse() {
        assertEquals(Boolean.TRUE, convert(request().securityOpt(List.of("no-new-privileges")))
                .process().noNewPrivileges());
        assertEquals(Boolean.TRUE, convert(request().securityOpt(
                List.of("no-new-privileges=true"))).process().noNewPrivileges());
        assertEquals(Boolean.TRUE, convert(request().securityOpt(
                List.of("no-new-privileges:true"))).process().noNewPrivileges());
        assertNull(convert(request().securityOpt(List.of("no-new-privileges=false")))
                .process().noNewPrivileges());
        assertEquals("invalid --security-opt: \"rocket=1\"",
                refusal(request().securityOpt(List.of("rocket=1"))));
        assertEquals("/p.json", Security.seccomp(request().securityOpt(
                List.of("seccomp=/p.json")).build()));
        assertNull(convert(request().securityOpt(List.of("systempaths=unconfined"))).linux()
                .maskedPaths());
    }

    @Test
    void aReadOnlyRootKeepsWritableTmpfsMountsWithDockersDefaults() {
        Spec spec = convert(request().readonlyRootfs(true).tmpfs(Map.of("/run", "size=1m")));
        assertTrue(spec.root().readonly());
        Spec.Mount run = spec.mounts().stream().filter(m -> m.destination().equals("/run"))
                .findFirst().orElseThrow();
        assertEquals(List.of("noexec", "nosuid", "nodev", "size=1m"), run.options());
        assertEquals("tmpfs", run.type());
        assertTrue(refusal(request().tmpfs(Map.of("run", ""))).contains("absolute"));
    }

    @Test
    void aTmpfsOnDevShmReplacesTheDefaultAndShmSizeSizesIt() {
        List<Spec.Mount> mounts = convert(request().tmpfs(Map.of("/dev/shm", "size=2m")))
                .mounts();
        assertEquals(1, mounts.stream().filter(m -> m.destination().equals("/dev/shm")).count());
        Spec.Mount shm = convert(request().shmSize(128L << 20)).mounts().stream()
                .filter(m -> m.destination().equals("/dev/shm")).findFirst().orElseThrow();
        assertTrue(shm.options().contains("size=131072k"), shm.options().toString());
    }

    @Test
    void oomScoreAdjIsKeptInTheKernelsRange() {
        assertEquals(500, convert(request().oomScoreAdj(500)).process().oomScoreAdj());
        assertEquals("Invalid value 1001, range for oom score adj is [-1000, 1000]",
                refusal(request().oomScoreAdj(1001)));
    }

    @Test
    void anUpdateOfMemoryAloneKeepsSwapAtTwiceItAndPidsZeroLiftsTheLimit() {
        ContainerRequest before = request().memory(16L << 20).pidsLimit(10L).build();
        ContainerRequest after = new ResourceUpdate(64L << 20, null, null, null, null, null,
                null, null, null, 0L, null).applyTo(before);
        assertEquals(128L << 20, Resources.effectiveSwap(after));
        assertEquals(-1L, after.pidsLimit());
        assertEquals(List.of("sh"), after.cmd(), "the rest of the request stays");
    }
}
