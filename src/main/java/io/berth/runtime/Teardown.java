package io.berth.runtime;

import io.berth.cgroups.CgroupDriver;
import io.berth.sys.Errno;
import io.berth.sys.Sys;
import io.berth.sys.SysException;
import java.time.Duration;
import java.util.List;

/** Ends a container's processes and removes its cgroup, waiting for the kernel in between. */
final class Teardown {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CGROUP_TIMEOUT = Duration.ofSeconds(5);

    private final Sys sys;
    private final CgroupDriver cgroups;

    Teardown(Sys sys, CgroupDriver cgroups) {
        this.sys = sys;
        this.cgroups = cgroups;
    }

    /** Everything of a stored container: processes, leftovers in its cgroup, the cgroup. */
    void run(StateFolder.Stored stored, boolean frozen) {
        if (stored.process().alive()) {
            sys.kill(stored.pid(), OciRuntime.SIGKILL);
        }
        killRemnants(stored.cgroupsPath());
        if (frozen) {
            // A frozen task dies of SIGKILL only once thawed.
            cgroups.freeze(stored.cgroupsPath(), false);
        }
        stop(stored.process(), stored.shim());
        destroyCgroup(stored.cgroupsPath());
    }

    /** Kills the container process, then waits for it and its monitor to be gone. */
    void stop(ProcessId process, ProcessId monitor) {
        if (process != null && process.alive()) {
            sys.kill(process.pid(), OciRuntime.SIGKILL);
        }
        waitGone(process);
        // The monitor exits by itself once it has reaped the container and written the exit.
        if (!waitGone(monitor) && monitor.alive()) {
            sys.kill(monitor.pid(), OciRuntime.SIGKILL);
            waitGone(monitor);
        }
    }

    /** Without a pid namespace, children of the container can outlive it in its cgroup. */
    void killRemnants(String cgroupsPath) {
        List<Long> pids;
        try {
            pids = cgroups.pids(cgroupsPath);
        } catch (RuntimeException e) {
            return; // no cgroup, so nothing is left in it
        }
        for (long pid : pids) {
            sys.kill(pid, OciRuntime.SIGKILL);
        }
    }

    /** Removes the cgroup, retrying while the kernel still counts exiting tasks in it. */
    void destroyCgroup(String cgroupsPath) {
        long deadline = System.nanoTime() + CGROUP_TIMEOUT.toNanos();
        while (true) {
            try {
                cgroups.destroy(cgroupsPath);
                return;
            } catch (SysException e) {
                if (e.errno() != Errno.EBUSY || System.nanoTime() > deadline) {
                    throw e;
                }
                killRemnants(cgroupsPath);
                pause();
            }
        }
    }

    private static boolean waitGone(ProcessId id) {
        long deadline = System.nanoTime() + PROCESS_TIMEOUT.toNanos();
        for (int tries = 0; id != null && id.alive(); tries++) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause(tries);
        }
        return true;
    }

    private static void pause() {
        pause(Integer.MAX_VALUE);
    }

    /**
     * Short naps first: a monitor exits within a millisecond or two of the exit it recorded,
     * and a 5 ms nap cost every `run --rm` most of one; longer ones once it takes a while.
     */
    private static void pause(int tries) {
        try {
            Thread.sleep(tries < 20 ? Duration.ofNanos(250_000) : Duration.ofMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
