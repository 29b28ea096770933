package io.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.spec.Spec;
import io.berth.sys.Errno;
import io.berth.sys.MountFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan Java hands the shim, from config.json records; no root needed. */
class ShimPlanTest {
    @TempDir
    Path bundle;

    private Spec spec(List<Spec.Namespace> namespaces, String hostname, List<String> args,
            List<Spec.Mount> mounts, Spec.Capabilities caps) throws Exception {
        Files.createDirectories(bundle.resolve("rootfs"));
        Spec.Process process = new Spec.Process(false, null, new Spec.User(5, 6, null,
                List.of(7L, 8L)), args, List.of("A=1"), "/w", caps, null, true, null);
        Spec.Linux linux = new Spec.Linux(namespaces, null, null, null, null, null, null, null,
                Map.of("net.ipv4.ip_forward", "1"), null, List.of("/proc/kcore"), null, null);
        return new Spec("1.2.0", process, new Spec.Root("rootfs", true), hostname, null, mounts,
                null, null, linux);
    }

    private String render(Spec spec) {
        return new ShimPlan(spec, bundle, new CreateOptions(true, bundle.resolve("log"), null),
                "/berth/x", new CgroupMounts("v2", List.of())).render();
    }

    private static Spec.Namespace ns(String type) {
        return new Spec.Namespace(type, null);
    }

    @Test
    void newNamespacesBecomeCloneFlagsAndPathsBecomeJoins() throws Exception {
        String plan = render(spec(List.of(ns("pid"), ns("mount"), ns("uts"),
                new Spec.Namespace("network", "/proc/9/ns/net"), ns("cgroup")), "h",
                List.of("sh"), null, null));
        long flags = ShimPlan.CLONE_NEWPID | ShimPlan.CLONE_NEWNS | ShimPlan.CLONE_NEWUTS;
        assertTrue(plan.contains("clone\t" + flags + "\n"), plan);
        assertTrue(plan.contains("join\t" + ShimPlan.CLONE_NEWNET + "\t/proc/9/ns/net\n"), plan);
        assertTrue(plan.contains("cgroupns\t1\n"), plan);
        assertTrue(!plan.contains("lo\t1"), "loopback belongs to the joined namespace");
        assertTrue(plan.contains("hostname\th\n"), plan);
    }

    @Test
    void theProcessIsPlannedInFull() throws Exception {
        String plan = render(spec(List.of(ns("mount"), ns("network")), null,
                List.of("sh", "-c", "x y"), null, new Spec.Capabilities(List.of("CAP_KILL"),
                List.of("CAP_KILL"), List.of(), List.of("CAP_KILL", "chown"), null)));
        assertTrue(plan.contains("root\t" + bundle.resolve("rootfs") + "\t1\t0\n"), plan);
        assertTrue(plan.contains("arg\tsh\narg\t-c\narg\tx y\n"), plan);
        assertTrue(plan.contains("env\tA=1\n"), plan);
        assertTrue(plan.contains("user\t5\t6\t-1\ngroups\t7\t8\n"), plan);
        assertTrue(plan.contains("cwd\t/w\n"), plan);
        assertTrue(plan.contains("nnp\t1\n"), plan);
        // Record order is bounding, effective, inheritable, permitted; the plan puts permitted 3rd.
        assertTrue(plan.contains("caps\t32\t32\t33\t0\t0\n"), plan);
        assertTrue(plan.contains("sysctl\tnet.ipv4.ip_forward\t1\n"), plan);
        assertTrue(plan.contains("mask\t/proc/kcore\n"), plan);
        assertTrue(plan.contains("device\t/dev/null\tc\t1\t3\t438\t0\t0\t/dev/null\n"), plan);
        assertTrue(plan.contains("symlink\t/dev/ptmx\tpts/ptmx\n"), plan);
        assertTrue(plan.contains("stdin\t1\nlog\t" + bundle.resolve("log") + "\n"), plan);
        assertTrue(plan.contains("lo\t1\n"), plan);
    }

    @Test
    void aHostnameWithoutAUtsNamespaceIsRefused() throws Exception {
        Spec spec = spec(List.of(ns("mount")), "h", List.of("sh"), null, null);
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> render(spec));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("no uts namespace"), e.getMessage());
    }

    @Test
    void aValueWithANulIsRefusedNamingItsField() throws Exception {
        Spec spec = spec(List.of(ns("mount")), null, List.of("sh", "a\0b"), null, null);
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> render(spec));
        assertTrue(e.getMessage().startsWith("config.json: process.args holds"), e.getMessage());
    }

    @Test
    void anUnknownCapabilityIsRefused() throws Exception {
        Spec spec = spec(List.of(ns("mount")), null, List.of("sh"), null,
                new Spec.Capabilities(List.of("CAP_NOPE"), null, null, null, null));
        assertThrows(ContainerStartException.class, () -> render(spec));
    }

    @Test
    void aBindOfAMissingSourceIsEnoent() throws Exception {
        Spec spec = spec(List.of(ns("mount")), null, List.of("sh"), List.of(new Spec.Mount(
                "/data", "bind", "/nonexistent/x", List.of("rbind"))), null);
        assertEquals(Errno.ENOENT,
                assertThrows(ContainerStartException.class, () -> render(spec)).errno());
    }

    @Test
    void mountOptionsSplitIntoFlagsPropagationAndData() {
        MountOptions o = MountOptions.parse("tmpfs",
                List.of("ro", "nosuid", "rw", "noexec", "rprivate", "mode=755", "size=1k"));
        assertEquals(MountFlags.MS_NOSUID | MountFlags.MS_NOEXEC, o.flags());
        assertEquals(MountFlags.MS_PRIVATE | MountFlags.MS_REC, o.propagation());
        assertEquals("mode=755,size=1k", o.data());
        assertTrue(!o.bind());
        MountOptions bind = MountOptions.parse("none", List.of("rbind", "ro"));
        assertTrue(bind.bind());
        assertEquals(MountFlags.MS_REC | MountFlags.MS_RDONLY, bind.flags());
    }

    @Test
    void shimErrorLinesBecomeErrnoAndMessage() {
        ContainerStartException e = ShimAnswer.failure("create", "error 1\tmount proc: EPERM");
        assertEquals(1, e.errno());
        assertEquals("mount proc: EPERM", e.getMessage());
        assertEquals(Errno.EIO, ShimAnswer.failure("create", null).errno());
    }

    @Test
    void anExecJoinsEveryNamespaceOfTheContainersProcessAndBuildsNoRoot() throws Exception {
        Spec container = spec(List.of(ns("user"), ns("mount"), ns("pid"), ns("network"),
                new Spec.Namespace("ipc", "/proc/9/ns/ipc")), "h", List.of("sleep"), null, null);
        ExecSpec exec = ExecSpec.of(List.of("ls", "-l")).withUser(1000, 1001);
        String plan = ShimPlan.renderExec(container, 42, exec.over(container.process()),
                new CreateOptions(false, null, null), null);
        assertTrue(plan.startsWith("exec\t1\n"), plan);
        for (String join : List.of(ShimPlan.CLONE_NEWUSER + "\t/proc/42/ns/user",
                ShimPlan.CLONE_NEWNS + "\t/proc/42/ns/mnt", ShimPlan.CLONE_NEWPID
                        + "\t/proc/42/ns/pid", ShimPlan.CLONE_NEWNET + "\t/proc/42/ns/net",
                ShimPlan.CLONE_NEWIPC + "\t/proc/42/ns/ipc")) {
            assertTrue(plan.contains("join\t" + join + "\n"), join + " in " + plan);
        }
        assertTrue(plan.contains("arg\tls\narg\t-l\n"), plan);
        assertTrue(plan.contains("user\t1000\t1001\t-1\n"), plan);
        assertTrue(plan.contains("env\tA=1\n") && plan.contains("cwd\t/w\n"), plan);
        for (String absent : List.of("clone\t", "root\t", "mount\t", "hostname\t", "sysctl\t",
                "mask\t", "groups\t")) {
            assertTrue(!plan.contains(absent), absent + " in " + plan);
        }
    }

    @Test
    void theInitAnnotationAndAnExitCommandArePlanned() throws Exception {
        Spec plain = spec(List.of(ns("pid")), null, List.of("sh"), null, null);
        Spec withInit = new Spec(plain.ociVersion(), plain.process(), plain.root(), null, null,
                null, null, Map.of("io.berth.init", "true"), plain.linux());
        CreateOptions options = new CreateOptions(false, null, null)
                .withExitCommand(List.of("/bin/berth", "cleanup", "a b"));
        String plan = new ShimPlan(withInit, bundle, options, "/berth/x",
                new CgroupMounts("v2", List.of())).render();
        assertTrue(plan.contains("init\t1\n"), plan);
        assertTrue(plan.contains("exitcmd\t/bin/berth\nexitcmd\tcleanup\nexitcmd\ta b\n"), plan);
        assertTrue(!render(plain).contains("init\t"), "no init unless annotated");
        assertThrows(IllegalArgumentException.class,
                () -> options.withExitCommand(List.of("berth")));
    }

    @Test
    void aLogRotationIsPlannedAfterTheLogFile() throws Exception {
        Spec plain = spec(List.of(ns("pid")), null, List.of("sh"), null, null);
        CreateOptions options = new CreateOptions(false, bundle.resolve("log"), null)
                .withLogRotation(new LogRotation(10_000, 3));
        String plan = new ShimPlan(plain, bundle, options, "/berth/x",
                new CgroupMounts("v2", List.of())).render();
        assertTrue(plan.contains("log\t" + bundle.resolve("log") + "\nlogmax\t10000\t3\n"),
                plan);
        assertTrue(!render(plain).contains("logmax"), "no rotation unless asked");
        assertThrows(IllegalArgumentException.class, () -> new LogRotation(0, 1));
    }

    private static Spec withHooks(Spec s, Spec.Hooks hooks) {
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(),
                s.mounts(), hooks, s.annotations(), s.linux());
    }

    @Test
    void containerHooksBecomeRecordsWithTheirArgsEnvAndTimeout() throws Exception {
        Spec.Hook create = new Spec.Hook("/bin/h", List.of("h", "-x"), List.of("K=V"), 3);
        Spec.Hook start = new Spec.Hook("/bin/s", null, null, null);
        Spec.Hook runtimeOnly = new Spec.Hook("/bin/r", null, null, null);
        String plan = render(withHooks(spec(List.of(ns("mount")), null, List.of("sh"), null,
                null), new Spec.Hooks(null, List.of(runtimeOnly), List.of(create),
                List.of(start), null, null)));
        assertTrue(plan.contains("hook\tc\t3\t/bin/h\nhookarg\th\nhookarg\t-x\n"
                + "hookenv\tK=V\n"), plan);
        assertTrue(plan.contains("hook\ts\t0\t/bin/s\nhookarg\t/bin/s\n"), plan);
        assertTrue(!plan.contains("/bin/r"), "createRuntime hooks run from Java");
    }

    @Test
    void aRelativeHookPathIsRefusedNamingTheField() throws Exception {
        Spec spec = withHooks(spec(List.of(ns("mount")), null, List.of("sh"), null, null),
                new Spec.Hooks(null, null, null, List.of(new Spec.Hook("h", null, null, null)),
                        null, null));
        ContainerStartException e = assertThrows(ContainerStartException.class,
                () -> render(spec));
        assertTrue(e.getMessage().contains("hooks.startContainer path h"), e.getMessage());
    }
}
