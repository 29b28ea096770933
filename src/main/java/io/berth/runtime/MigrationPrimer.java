package io.berth.runtime;

import io.berth.cgroups.CgroupDriver;
import io.berth.cgroups.CgroupPath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Takes the kernel's cgroup migration toll ahead of a start, off its critical path.
 *
 * <p>Moving a process into a cgroup (a write to cgroup.procs, as every start makes for its
 * container) takes the kernel's global cgroup_threadgroup_rwsem for writing. Unless the host's
 * cgroups are mounted with favordynmods (we may not remount them), the first such write after
 * a quiet spell waits for an RCU grace period: 8 to 12 ms on this machine, the largest part of
 * a start. A write within about one grace period of the last one is not charged again.
 *
 * <p>So a start asks the primer, as it begins, to move a helper process of Berth's own
 * ({@code berth-shim hold}) into the cgroup it already sits in, {@code berth/primer-<jvm pid>}:
 * a move to where the process is costs nothing but the lock, and its grace period then passes
 * while the start makes its root and its plan and the monitor clones, so the container's own
 * move finds the lock warm. One primer serves the whole JVM (a service has several engines).
 *
 * <p>Nothing outlives the JVM: the helper exits when its stdin closes (the JVM closed it, or
 * died); {@link #close()} (also run at JVM shutdown) removes its cgroup; a cgroup left by a JVM
 * that was killed is empty and goes with the next primer's start or {@code system prune}.
 */
public final class MigrationPrimer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MigrationPrimer.class.getName());
    /** The cgroup name's prefix under berth/; the rest is the owning JVM's pid. */
    public static final String PREFIX = "primer-";
    /**
     * How long after the last ask the lock is kept warm, and how often: a burst of starts (a
     * client's create-start-wait-remove loop) then finds it warm at every start, not only at
     * those within a grace period of their own ask. A move to where the helper is costs a few
     * microseconds per hierarchy once the lock is warm.
     */
    private static final long WARM_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long WARM_EVERY_MILLIS = 4;
    private static MigrationPrimer shared;
    private static Thread shutdownHook;

    private final CgroupDriver cgroups;
    private final Path shim;
    private final String cgroupsPath;
    private final Object lock = new Object();
    private boolean asked;
    private long lastAsk;
    private boolean closed;
    private Thread worker;
    private Process helper;

    MigrationPrimer(CgroupDriver cgroups, Path shim, String name) {
        this.cgroups = cgroups;
        this.shim = shim;
        this.cgroupsPath = CgroupPath.below(name);
    }

    /**
     * This JVM's primer, made on first use; closed by {@link #closeShared()} (a service that
     * stops) or else when the JVM shuts down.
     */
    static synchronized MigrationPrimer shared(CgroupDriver cgroups, Path shim) {
        if (shared == null) {
            shared = new MigrationPrimer(cgroups, shim, PREFIX + ProcessHandle.current().pid());
            shutdownHook = new Thread(shared::close, "primer-close");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return shared;
    }

    /** Closes this JVM's primer, if any: its helper ends and its cgroup goes. */
    static void closeShared() {
        MigrationPrimer primer;
        synchronized (MigrationPrimer.class) {
            primer = shared;
            shared = null;
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // Shutting down already: the hook closes it too, which is harmless.
                }
                shutdownHook = null;
            }
        }
        if (primer != null) {
            primer.close();
        }
    }

    /** The cgroup the helper sits in, e.g. /berth/primer-4242. */
    String cgroupsPath() {
        return cgroupsPath;
    }

    /** The helper's pid; 0 while there is none. */
    long helperPid() {
        synchronized (lock) {
            return helper != null && helper.isAlive() ? helper.pid() : 0;
        }
    }

    /**
     * Asks for the lock to be taken now, on the primer's own thread; returns at once. Asks
     * made while a move is under way are folded into it.
     */
    public void prime() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            asked = true;
            lastAsk = System.nanoTime();
            if (worker == null) {
                worker = Thread.ofPlatform().daemon().name("cgroup-primer").start(this::work);
            }
            lock.notifyAll();
        }
    }

    private void work() {
        while (true) {
            synchronized (lock) {
                while (!asked && !closed) {
                    long sinceAsk = System.nanoTime() - lastAsk;
                    try {
                        if (sinceAsk >= WARM_WINDOW_NANOS) {
                            lock.wait();
                        } else {
                            lock.wait(WARM_EVERY_MILLIS);
                            if (!asked && System.nanoTime() - lastAsk < WARM_WINDOW_NANOS) {
                                break; // within the window: keep the lock warm
                            }
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                asked = false;
            }
            try {
                move();
            } catch (RuntimeException | IOException e) {
                // A start goes on without it, only slower; the next ask tries again.
                LOG.log(System.Logger.Level.DEBUG, "prime the cgroup migration lock: "
                        + e.getMessage());
                stopHelper();
            }
        }
    }

    /** Moves the helper into its cgroup: the first time from the JVM's, later where it is. */
    void move() throws IOException {
        long pid;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (helper == null || !helper.isAlive()) {
                helper = startHelper();
                cgroups.create(cgroupsPath, null);
            }
            pid = helper.pid();
        }
        // Outside the lock: the write may wait a grace period, and prime() must not.
        cgroups.addProcess(cgroupsPath, pid);
    }

    private Process startHelper() throws IOException {
        return new ProcessBuilder(shim.toString(), "hold")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Ends the helper (its stdin closes) and waits for it, so its cgroup empties. */
    private void stopHelper() {
        Process p;
        synchronized (lock) {
            p = helper;
            helper = null;
        }
        if (p == null) {
            return;
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            p.destroyForcibly();
        }
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the helper and removes its cgroup; later asks do nothing. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            t = worker;
            lock.notifyAll();
        }
        stopHelper();
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            cgroups.destroy(cgroupsPath);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "remove cgroup " + cgroupsPath + ": "
                    + e.getMessage());
        }
    }
}
