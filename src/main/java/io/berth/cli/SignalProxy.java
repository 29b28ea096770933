package io.berth.cli;

import io.berth.sys.Sys;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * docker's sig-proxy: while `run` follows a container without a terminal, the signals the CLI
 * gets (INT, TERM, HUP) go to the container's process, and the CLI goes on following it until
 * it exits. In a CLI of its own the JVM's handlers are swapped for the time; a command the
 * engine's command server runs gets them from its thin client (see {@link Forward}).
 */
final class SignalProxy implements AutoCloseable {
    /** Where a served command's client's signals go while it follows; set by the server. */
    static final InheritableThreadLocal<Target> SERVED = new InheritableThreadLocal<>();

    /** A served command's signals, delivered from the thread that reads its client. */
    static final class Target {
        private volatile IntConsumer to;

        void deliver(int signal) {
            IntConsumer now = to;
            if (now != null) {
                now.accept(signal);
            }
        }
    }

    private final List<Signal> replaced = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final Target served;

    private SignalProxy(Target served) {
        this.served = served;
    }

    /** Sends the signals this CLI gets to pid until closed. */
    static SignalProxy to(long pid) {
        Sys sys = Sys.linux();
        IntConsumer kill = signal -> sys.kill(pid, signal);
        Target served = SERVED.get();
        SignalProxy proxy = new SignalProxy(served);
        if (served != null) {
            served.to = kill;
            return proxy;
        }
        for (String name : Forward.PROXIED_SIGNALS) {
            Signal signal = new Signal(name);
            try {
                proxy.previous.add(Signal.handle(signal, s -> kill.accept(s.getNumber())));
                proxy.replaced.add(signal);
            } catch (IllegalArgumentException e) {
                // The JVM keeps this one (or the OS lacks it): it is not proxied.
            }
        }
        return proxy;
    }

    @Override
    public void close() {
        if (served != null) {
            served.to = null;
            return;
        }
        for (int i = 0; i < replaced.size(); i++) {
            Signal.handle(replaced.get(i), previous.get(i));
        }
    }
}
