package io.berth.anatomy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Anatomy of real processes: this JVM, and a sleep that unshare put in new namespaces. */
@Tag("privileged")
class AnatomyPrivilegedTest {
    Process unshare;
    ProcessHandle sleep;

    @AfterEach
    void killWhatWasStarted() throws InterruptedException {
        if (sleep != null) {
            sleep.destroyForcibly();
            sleep.onExit().join();
        }
        if (unshare != null) {
            unshare.destroyForcibly();
            unshare.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void thisJvmSharesEveryNamespaceWithTheHost() {
        assumeTrue(hostNamespacesAreOurs(), "this test must run in the host's namespaces");

        Anatomy a = Anatomy.of(ProcessHandle.current().pid());

        assertEquals(Anatomy.KINDS, a.namespaces().stream().map(NamespaceRow::kind).toList());
        assertTrue(a.sharesAllWithHost(), a.table());
        assertTrue(a.capabilities().contains("CAP_SYS_ADMIN"), a.capabilities().toString());
        assertTrue(List.of("disabled", "strict", "filter").contains(a.seccomp()));
    }

    @Test
    void aSleepUnsharedFromTheHostIsIsolatedInExactlyThoseKinds() throws Exception {
        assumeTrue(hostNamespacesAreOurs(), "this test must run in the host's namespaces");
        unshare = new ProcessBuilder("unshare", "--uts", "--ipc", "--net", "--mount", "--pid",
                "--fork", "--kill-child", "sleep", "300").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        sleep = childOf(unshare);

        Anatomy a = Anatomy.of(sleep.pid());

        for (NamespaceRow r : a.namespaces()) {
            boolean isolated = List.of("uts", "ipc", "net", "mnt", "pid", "pid_for_children")
                    .contains(r.kind());
            assertEquals(isolated ? "isolated" : "shared", r.state(), r.kind() + "\n" + a.table());
        }
    }

    @Test
    void anExitedProcessIsGone() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();

        assertThrowsGone(done.pid());
    }

    private static void assertThrowsGone(long pid) {
        try {
            Anatomy.of(pid);
            throw new AssertionError("anatomy of exited process " + pid + " did not fail");
        } catch (ProcessGoneException e) {
            assertTrue(e.getMessage().contains(Long.toString(pid)));
        }
    }

    /** unshare --fork runs the command as its child, the first process of the new pid ns. */
    private static ProcessHandle childOf(Process parent) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            Optional<ProcessHandle> child = parent.children().findFirst();
            if (child.isPresent() && child.get().info().command().orElse("").endsWith("sleep")) {
                return child.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("unshare started no sleep");
    }

    /** Whether this JVM is in the same namespaces as the machine's kthreadd. */
    private static boolean hostNamespacesAreOurs() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/net"))
                    .equals(Files.readSymbolicLink(Path.of("/proc/2/ns/net")));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
