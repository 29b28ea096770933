package io.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.spec.Spec;
import io.berth.spec.SpecJson;
import io.berth.sys.Errno;
import io.berth.sys.Sys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seccomp through libseccomp and the shim, on real containers. A small static probe compiled
 * into the rootfs makes raw syscalls by number and prints the errno name each one got: unshare
 * (272), keyctl (250), clone3 (435) and statmount (457, newer than every syscall the default
 * profile names).
 */
@Tag("privileged")
class SeccompTest {
    private static final String PROBE = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        int main(int argc, char **argv)
        {
            for (int i = 1; i < argc; i++) {
                long r = syscall(atol(argv[i]), 0, 0, 0, 0, 0, 0);
                printf("%s=%s\\n", argv[i], r < 0 ? strerrorname_np(errno) : "ok");
            }
            return 0;
        }
        """;

    private Path work;
    private TestBundle bundle;
    private OciRuntime runtime;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createTempDirectory("berth-seccomp-test");
        TestBundle.open(work);
        bundle = new TestBundle(work.resolve("bundle"));
        runtime = new OciRuntime(work.resolve("state"), OciRuntime.defaultShim(),
                new TestCgroups(), Sys.linux());
        Path source = work.resolve("probe.c");
        Files.writeString(source, PROBE);
        TestBundle.run("cc", "-static", "-O", "-o", bundle.rootfs.resolve("probe").toString(),
                source.toString());
    }

    @AfterAll
    static void removeCgroupParents() {
        TestCgroups.removeMadeParents();
    }

    @AfterEach
    void tearDown() throws IOException {
        TestBundle.cleanUp(runtime, bundle, work);
    }

    private static List<String> bounding() {
        return List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN",
                "CAP_SETUID", "CAP_SETGID");
    }

    private void withProfile(Spec.Seccomp profile) {
        bundle.config.withObject("/linux").set("seccomp",
                SpecJson.mapper().valueToTree(profile));
    }

    /** Runs the bundle's command and returns its stdout; it must exit 0. */
    private String output(String id) throws Exception {
        runtime.create(id, bundle.write(), CreateOptions.defaults());
        try (Attachment attachment = runtime.attach(id)) {
            runtime.start(id);
            String out = stdout(attachment.output().readAllBytes());
            assertEquals(0, runtime.await(id).exitCode(), out);
            return out;
        }
    }

    /** The stdout frames of a Docker stream. */
    private static String stdout(byte[] stream) {
        ByteBuffer in = ByteBuffer.wrap(stream);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (in.remaining() >= 8) {
            byte kind = in.get();
            in.position(in.position() + 3);
            byte[] payload = new byte[in.getInt()];
            in.get(payload);
            if (kind == 1) {
                out.writeBytes(payload);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDefaultProfileShowsFilterModeAndRefusesKnownAndNewSyscallsDifferently()
            throws Exception {
        withProfile(SeccompProfiles.defaultProfile(bounding()));
        bundle.args("sh", "-c", "grep Seccomp: /proc/self/status; /probe 272 250 435 457");
        assertEquals("Seccomp:\t2\n272=EPERM\n250=EPERM\n435=ENOSYS\n457=ENOSYS\n",
                output("c1"));
    }

    @Test
    void withoutASeccompSectionTheProcessIsUnconfined() throws Exception {
        bundle.args("sh", "-c", "grep Seccomp: /proc/self/status; /probe 272 457");
        String out = output("c1");
        assertTrue(out.startsWith("Seccomp:\t0\n272=ok\n"), out);
        assertFalse(out.contains("457=ENOSYS"), out);
    }

    @Test
    void busyboxUnshareIsRefusedWithEpermUnderTheDefaultProfile() throws Exception {
        withProfile(SeccompProfiles.defaultProfile(bounding()));
        bundle.args("sh", "-c", "unshare -U true 2>&1; echo rc=$?");
        String out = output("c1");
        assertTrue(out.contains("Operation not permitted") && out.endsWith("rc=1\n"), out);
    }

    @Test
    void withCapSysAdminTheDefaultProfileAllowsUnshare() throws Exception {
        List<String> caps = List.of("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID");
        ObjectNode capabilities = bundle.config.withObject("/process").withObject("/capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode array = capabilities.putArray(set);
            caps.forEach(array::add);
        }
        withProfile(SeccompProfiles.defaultProfile(caps));
        bundle.args("/probe", "272", "457");
        assertEquals("272=ok\n457=ENOSYS\n", output("c1"));
    }

    @Test
    void withoutNoNewPrivilegesTheFilterLoadsBeforeTheUserChanges() throws Exception {
        withProfile(SeccompProfiles.defaultProfile(bounding()));
        bundle.config.withObject("/process").put("noNewPrivileges", false);
        bundle.config.withObject("/process").putObject("user").put("uid", 1000)
                .put("gid", 1000);
        bundle.args("sh", "-c", "id -u; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status");
        assertEquals("1000\nNoNewPrivs:\t0\nSeccomp:\t2\n", output("c1"));
    }

    @Test
    void anExecRunsUnderTheContainersFilter() throws Exception {
        withProfile(SeccompProfiles.defaultProfile(bounding()));
        bundle.args("sleep", "100");
        runtime.create("c1", bundle.write(), CreateOptions.defaults());
        runtime.start("c1");
        try (ExecSession exec = runtime.exec("c1", ExecSpec.of(List.of("/probe", "272")))) {
            assertEquals("272=EPERM\n", stdout(exec.attachment().output().readAllBytes()));
            assertEquals(0, exec.awaitExit().exitCode());
        }
    }

    @Test
    void aSecondContainerWithTheSameProfileLoadsTheCompiledProgramFromTheCache()
            throws Exception {
        withProfile(SeccompProfiles.defaultProfile(bounding()));
        bundle.args("/probe", "272");
        assertEquals("272=EPERM\n", output("c1"));
        runtime.delete("c1", false);

        Path cache = work.resolve("state/.seccomp");
        List<Path> entries;
        try (Stream<Path> files = Files.list(cache)) {
            entries = files.toList();
        }
        assertEquals(1, entries.size(), entries.toString());
        // One instruction, "ret ALLOW", in place of the cached program: if the next container
        // loads it, the cache was used.
        String stored = Files.readString(entries.getFirst());
        String allowAll = "060000000000ff7f";
        Files.writeString(entries.getFirst(), stored.substring(0, stored.lastIndexOf('\n') + 1)
                + allowAll);
        bundle.args("sh", "-c", "grep Seccomp: /proc/self/status; /probe 272");
        assertEquals("Seccomp:\t2\n272=ok\n", output("c2"));
    }

    @Test
    void aProfileWithAnUnknownActionIsRefusedAtCreateNamingTheField() throws Exception {
        withProfile(new Spec.Seccomp("SCMP_ACT_ERRNO", null, null, null,
                List.of(new Spec.Syscall(List.of("read"), "SCMP_ACT_SOMETIMES", null))));
        bundle.args("true");
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> runtime.create("c1", bundle.write(), CreateOptions.defaults()));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("linux.seccomp: action SCMP_ACT_SOMETIMES"),
                e.getMessage());
        assertEquals(List.of(), runtime.list());
    }

    @Test
    void theDefaultProfileKeepsCapabilityRulesOnlyForHeldCapabilities() {
        Spec.Seccomp plain = SeccompProfiles.defaultProfile(bounding());
        Spec.Seccomp admin = SeccompProfiles.defaultProfile(List.of("CAP_SYS_ADMIN"));
        assertFalse(names(plain).contains("unshare"));
        assertTrue(names(admin).contains("unshare"));
        assertTrue(plain.syscalls().stream().anyMatch(s -> s.names().contains("clone")
                && s.args() != null), "clone is allowed only without namespace flags");
        assertFalse(admin.syscalls().stream().anyMatch(s -> s.names().contains("clone3")
                && "SCMP_ACT_ERRNO".equals(s.action())));
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                plain.architectures());
    }

    @Test
    void securityOptSeccompTakesUnconfinedDefaultOrAProfileFile() throws Exception {
        assertTrue(SeccompProfiles.forSecurityOpt("unconfined", bounding()).isEmpty());
        assertEquals(SeccompProfiles.defaultProfile(bounding()),
                SeccompProfiles.forSecurityOpt(null, bounding()).orElseThrow());
        Path file = work.resolve("profile.json");
        Files.writeString(file, """
            {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
              {"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
            """);
        withProfile(SeccompProfiles.forSecurityOpt(file.toString(), bounding()).orElseThrow());
        bundle.args("/probe", "272", "250");
        assertEquals("272=EACCES\n250=EINVAL\n", output("c1"));
        ContainerStartException missing = assertThrows(ContainerStartException.class,
                () -> SeccompProfiles.forSecurityOpt(work.resolve("none").toString(), List.of()));
        assertEquals(Errno.EINVAL, missing.errno());
    }

    @Test
    void theEnosysGuardSendsSyscallsAboveTheHighestNamedOneToEnosys() {
        byte[] program = SeccompBpf.withEnosysGuard(new byte[8], 456);
        ByteBuffer in = ByteBuffer.wrap(program).order(ByteOrder.nativeOrder());
        assertEquals(7 * 8, program.length);
        in.position(4 * 8);
        assertEquals(0x25, in.getShort()); // jgt
        in.getShort();
        assertEquals(456, in.getInt());
        assertEquals(0x06, in.getShort()); // ret
        in.getShort();
        assertEquals(0x00050000 | Errno.ENOSYS, in.getInt());
    }

    private static List<String> names(Spec.Seccomp profile) {
        return profile.syscalls().stream().flatMap(s -> s.names().stream()).toList();
    }
}
