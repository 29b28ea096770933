package io.berth.api;

import io.berth.engine.Container;
import io.berth.engine.NotFoundException;
import io.berth.engine.RestartPolicy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows running containers to their exit, so that the service itself finishes them (records
 * the exit, removes those created with AutoRemove, as dockerd does for `run --rm`, and starts
 * again those whose restart policy asks for it) and wakes the clients waiting on them. The
 * containers are children of their monitors, not of the service: a restarted service follows
 * again whatever it finds running, and restarts by policy what exited while it was away.
 */
final class Exits implements AutoCloseable {
    /** docker's code for a process ended by SIGKILL, as `rm -f` ends it. */
    private static final int KILLED = 137;

    private final EnginePool pool;
    private final Events events;
    private final Set<String> followed = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final Set<Thread> followers = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Integer>> nextExit = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Integer>> removal = new ConcurrentHashMap<>();

    Exits(EnginePool pool, Events events) {
        this.pool = pool;
        this.events = events;
    }

    /** Follows a running container until it exits; once per container. */
    void follow(Container c) {
        followOn(c.id(), "exit-", c);
    }

    /** Restarts by policy a container found exited (it exited while no service followed it). */
    void restartIfDue(Container c) {
        if (!c.running() && restarts(c)) {
            followOn(c.id(), "restart-", null);
        }
    }

    /** Whether the container has a restart policy at all; most have none, and cost no look. */
    private static boolean restarts(Container c) {
        return !"no".equals(RestartPolicy.parse(c.request().restartPolicy()).name());
    }

    /**
     * One thread per container: awaits each run's exit and finishes it, for as long as the
     * restart policy starts it again; begins with a restart when no run is given.
     */
    private void followOn(String id, String prefix, Container running) {
        if (!followed.add(id)) {
            return;
        }
        Thread t = Thread.ofVirtual().name(prefix + id.substring(0, 12)).unstarted(() -> {
            try {
                Container run = running != null ? running : restartedByPolicy(id);
                while (run != null && awaitAndFinish(run) && restarts(run)) {
                    run = restartedByPolicy(id);
                }
            } finally {
                followed.remove(id);
                followers.remove(Thread.currentThread());
            }
            followAgainIfRestarted(id);
        });
        followers.add(t);
        t.start();
    }

    /**
     * A restart (docker restart, or the restart policy) may start the container again while
     * the follower of its last run is finishing, when a second follow would be refused as a
     * duplicate; so the follower looks once more.
     */
    private void followAgainIfRestarted(String id) {
        if (closed) {
            return;
        }
        try {
            Container now = pool.with(e -> e.get(id));
            if (now.running()) {
                follow(now);
            }
        } catch (Exception e) {
            // Removed meanwhile, or the service is closing: nothing more to follow.
        }
    }

    /** False when the service closes before the exit. */
    private boolean awaitAndFinish(Container c) {
        String id = c.id();
        int code;
        try {
            // The engine's await finishes the container as it finds the exit: the row gets
            // the code, and an AutoRemove container is removed.
            code = pool.with(e -> e.await(id));
        } catch (InterruptedException e) {
            return false;
        } catch (NotFoundException e) {
            code = KILLED;
        } catch (Exception e) {
            code = -1;
        }
        events.container("die", c, Map.of("exitCode", Integer.toString(code)));
        complete(nextExit.remove(id), code);
        if (!exists(id)) {
            if (c.request().autoRemove()) {
                events.container("destroy", c, Map.of());
            }
            complete(removal.remove(id), code);
        }
        return true;
    }

    /**
     * Starts an exited container again when its restart policy says so (after the policy's
     * back-off); the container as restarted, or null when it was not (or is gone).
     */
    private Container restartedByPolicy(String id) {
        try {
            // Compared by count: a quick process may have exited again already.
            Container c = pool.with(e -> {
                int before = e.get(id).record().restartCount();
                e.cleanup(id);
                Container after = e.get(id);
                return after.record().restartCount() != before ? after : null;
            });
            if (c != null) {
                events.container("start", c, Map.of());
            }
            return c;
        } catch (Exception e) {
            // Interrupted (the service is closing), removed meanwhile, or the start failed
            // (recorded on the container by the engine).
            return null;
        }
    }

    private boolean exists(String id) {
        try {
            return pool.with(e -> {
                e.get(id);
                return true;
            });
        } catch (NotFoundException e) {
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    private static void complete(CompletableFuture<Integer> f, int code) {
        if (f != null) {
            f.complete(code);
        }
    }

    /** Completes with the code of the container's next exit. */
    CompletableFuture<Integer> nextExit(String id) {
        return nextExit.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** Completes with the container's last exit code once it has been removed. */
    CompletableFuture<Integer> removal(String id) {
        return removal.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** A container was removed through the service, having exited with this code. */
    void removed(Container c) {
        int code = c.running() ? KILLED : c.exitCode();
        CompletableFuture<Integer> pending = nextExit.remove(c.id());
        if (pending != null) {
            pending.complete(code);
        }
        complete(removal.remove(c.id()), code);
    }

    @Override
    public void close() {
        closed = true;
        followers.forEach(Thread::interrupt);
    }
}
