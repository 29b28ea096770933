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
import org.junit.jupiter.api.Test;

class SpecConverterTest {
    private static final String ID =
            "0811d2b9bc6e714a01b266d353e0834744d4b4737a7b30cc7592bfb418b0e41d";
    private static final ImageConfig BUSYBOX = new ImageConfig(null, null,
            List.of("PATH=/bin:/usr/bin", "LANG=C"), null, List.of("sh"), null, "/srv", null, null);

    private static Spec convert(ContainerRequest request) {
        return convert(request, null);
    }

    private static Spec convert(ContainerRequest request, SpecConverter.IdRange userns) {
        return SpecConverter.convert(new SpecConverter.Input(ID, request, BUSYBOX,
                Path.of("/b/rootfs"), new ResolvedUser(0, 0, "/root", List.of()),
                Path.of("/c/hosts"), Path.of("/c/hostname"), Path.of("/c/resolv.conf"), userns,
                "/berth/" + ID, null));
    }

    private static List<String> namespaceTypes(Spec spec) {
        return spec.linux().namespaces().stream().map(Spec.Namespace::type).toList();
    }

    @Test
    void theImagesCmdRunsWhenTheRequestGivesNone() {
        Spec spec = convert(ContainerRequest.builder("busybox").build());
        assertEquals(List.of("sh"), spec.process().args());
    }

    @Test
    void aGivenEntrypointDropsTheImagesCmd() {
        Spec spec = convert(ContainerRequest.builder("busybox").entrypoint(List.of("echo"))
                .build());
        assertEquals(List.of("echo"), spec.process().args());
    }

    @Test
    void entrypointAndCmdAreJoined() {
        Spec spec = convert(ContainerRequest.builder("busybox").entrypoint(List.of("echo"))
                .cmd(List.of("hi", "there")).build());
        assertEquals(List.of("echo", "hi", "there"), spec.process().args());
    }

    @Test
    void noCommandAtAllIsRefused() {
        ContainerRequest request = ContainerRequest.builder("x").entrypoint(List.of()).build();
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> convert(request));
        assertEquals("no command specified", e.getMessage());
    }

    @Test
    void hostnameIsTheFirstTwelveHexDigitsOfTheId() {
        Spec spec = convert(ContainerRequest.builder("busybox").build());
        assertEquals("0811d2b9bc6e", spec.hostname());
        assertTrue(spec.process().env().contains("HOSTNAME=0811d2b9bc6e"));
    }

    @Test
    void environmentLayersImageThenRequestWithDockersDefaults() {
        Spec spec = convert(ContainerRequest.builder("busybox")
                .env(List.of("LANG=de_DE", "X=1")).build());
        assertEquals(List.of("PATH=/bin:/usr/bin", "HOSTNAME=0811d2b9bc6e", "LANG=de_DE", "X=1",
                "HOME=/root"), spec.process().env());
    }

    @Test
    void theImagesWorkingDirIsTheDefaultAndARelativeOneIsRefused() {
        assertEquals("/srv", convert(ContainerRequest.builder("b").build()).process().cwd());
        assertThrows(InvalidRequestException.class,
                () -> convert(ContainerRequest.builder("b").workingDir("rel").build()));
    }

    @Test
    void byDefaultSixNamespacesAreNewAndTheUserAndTimeOnesAreTheHosts() {
        Spec spec = convert(ContainerRequest.builder("busybox").build());
        assertEquals(List.of("mount", "pid", "ipc", "uts", "network", "cgroup"),
                namespaceTypes(spec));
    }

    @Test
    void hostModesLeaveThoseNamespacesOut() {
        Spec spec = convert(ContainerRequest.builder("busybox").pidMode("host").ipcMode("host")
                .utsMode("host").networkMode("host").cgroupnsMode("host").build());
        assertEquals(List.of("mount"), namespaceTypes(spec));
        assertNull(spec.hostname(), "a shared UTS namespace keeps the host's name");
    }

    @Test
    void usernsAutoAndTimensPrivateAddThoseNamespacesWithAnIdMap() {
        Spec spec = convert(ContainerRequest.builder("busybox").usernsMode("auto")
                .timensMode("private").build(), new SpecConverter.IdRange(1 << 20, 65536));
        assertTrue(namespaceTypes(spec).containsAll(List.of("user", "time")));
        assertEquals(List.of(new Spec.IdMapping(0, 1 << 20, 65536)), spec.linux().uidMappings());
        assertEquals(spec.linux().uidMappings(), spec.linux().gidMappings());
    }

    @Test
    void unknownModesAreRefusedWithTheFlagNamed() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> convert(ContainerRequest.builder("b").pidMode("bogus").build()));
        assertTrue(e.getMessage().contains("--pid"), e.getMessage());
    }

    @Test
    void theDefaultCapabilitiesAreDockersFourteen() {
        Spec spec = convert(ContainerRequest.builder("busybox").build());
        long mask = 0;
        for (String name : spec.process().capabilities().effective()) {
            mask |= 1L << Capability.parse(name).orElseThrow().ordinal();
        }
        assertEquals(0xa80425fbL, mask);
    }

    @Test
    void procDevSysAndTheEtcFilesAreMountedAndSysIsReadOnly() {
        Spec spec = convert(ContainerRequest.builder("busybox").build());
        List<String> destinations = spec.mounts().stream().map(Spec.Mount::destination).toList();
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/sys", "/dev/mqueue", "/dev/shm",
                "/etc/resolv.conf", "/etc/hostname", "/etc/hosts"), destinations);
        Spec.Mount sys = spec.mounts().get(3);
        assertTrue(sys.options().contains("ro"));
        assertFalse(spec.linux().maskedPaths().isEmpty());
        assertTrue(spec.linux().readonlyPaths().contains("/proc/sys"));
    }

    @Test
    void theMinimalDevHasTheSixDockerDevices() {
        Spec spec = convert(ContainerRequest.builder("busybox").build());
        assertEquals(List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                "/dev/urandom", "/dev/tty"),
                spec.linux().devices().stream().map(Spec.Device::path).toList());
    }
}
