package io.berth.cgroups;

import io.berth.sys.Errno;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The short waits cgroups need: a freezer state that settles, a cgroup its tasks are leaving. */
final class Retry {
    private static final long PAUSE_MILLIS = 5;

    private Retry() {
    }

    /** Polls {@code settled} until it holds or the timeout passes; returns whether it held. */
    static boolean until(Duration timeout, BooleanSupplier settled) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!settled.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pause();
        }
        return true;
    }

    /**
     * Runs {@code action} until it stops failing with EBUSY or the timeout passes, then lets
     * the last EBUSY through. Tasks that were just killed leave their cgroup a moment later,
     * and until then rmdir(2) says EBUSY.
     */
    static void whileBusy(Duration timeout, Runnable action) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                action.run();
                return;
            } catch (CgroupException e) {
                if (e.errno() != Errno.EBUSY || System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting for a cgroup");
        }
    }
}
