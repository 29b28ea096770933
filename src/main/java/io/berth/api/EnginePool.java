package io.berth.api;

import io.berth.engine.Engine;
import io.berth.engine.EngineConfig;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Engines for the service's threads, one thread per engine at a time. An engine holds one
 * SQLite connection and is not made for several threads; the store is made for several
 * processes (WAL, busy timeout, a UNIQUE name), so each concurrent request gets an engine of
 * its own, as if it were one more CLI. That way a long wait, stop or log stream holds no lock
 * that other clients need.
 */
public final class EnginePool implements AutoCloseable {
    private static final int IDLE_KEPT = 8;

    private final EngineConfig config;
    private final Deque<Engine> idle = new ArrayDeque<>();
    private boolean closed;

    /** A pool of engines on config's root, opened as they are first needed. */
    public EnginePool(EngineConfig config) {
        this.config = config;
    }

    /** Work done with an engine. */
    public interface Work<T> {
        T apply(Engine engine) throws Exception;
    }

    /** Work done with an engine, returning nothing. */
    interface Action {
        void apply(Engine engine) throws Exception;
    }

    /** Runs work on an engine no other thread uses meanwhile. */
    public <T> T with(Work<T> work) throws Exception {
        Engine engine = borrow();
        try {
            return work.apply(engine);
        } finally {
            giveBack(engine);
        }
    }

    void run(Action action) throws Exception {
        with(e -> {
            action.apply(e);
            return null;
        });
    }

    private Engine borrow() {
        synchronized (idle) {
            if (closed) {
                throw new IllegalStateException("the service is shutting down");
            }
            Engine e = idle.pollFirst();
            if (e != null) {
                return e;
            }
        }
        return Engine.open(config);
    }

    private void giveBack(Engine engine) {
        // An interrupt (a client gone mid-wait) must not follow the engine to its next user.
        Thread.interrupted();
        synchronized (idle) {
            if (!closed && idle.size() < IDLE_KEPT) {
                idle.addFirst(engine);
                return;
            }
        }
        engine.close();
    }

    @Override
    public void close() {
        synchronized (idle) {
            closed = true;
            idle.forEach(Engine::close);
            idle.clear();
        }
        Engine.closeShared();
    }
}
