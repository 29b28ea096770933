package io.berth.runtime;

/**
 * An opt-in trace of a container's start and finish, for finding where their milliseconds go:
 * with {@code BERTH_TRACE_START=1} in the engine's environment, each step prints its monotonic
 * time and the time since the thread's previous step to stderr (the service's log). Off, a
 * step costs one read of a final field.
 */
public final class StartTrace {
    private static final boolean ON = System.getenv("BERTH_TRACE_START") != null;
    private static final ThreadLocal<long[]> LAST = ThreadLocal.withInitial(() -> new long[1]);

    private StartTrace() {
    }

    /** Whether tracing is on. */
    public static boolean on() {
        return ON;
    }

    /** Marks a step of the container {@code id} done on this thread. */
    public static void mark(String id, String step) {
        if (!ON) {
            return;
        }
        long now = System.nanoTime();
        long[] last = LAST.get();
        long since = last[0] == 0 ? 0 : now - last[0];
        last[0] = now;
        String who = id == null ? "-" : id.substring(0, Math.min(12, id.length()));
        System.err.printf("trace %s %.3f +%.3f %s %s%n", who, now / 1e6, since / 1e6,
                Thread.currentThread().getName(), step);
    }
}
