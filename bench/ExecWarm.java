import io.berth.engine.Engine;
import io.berth.engine.EngineConfig;
import io.berth.runtime.ExecSession;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/shim-bench's warm exec: `exec CONTAINER true` through the engine, in one JVM whose code
 * is already compiled, so that what is left is the engine's store lookup, the runtime's plan and
 * handshake, and the shim's own work (fork, setns, exec, wait, exit file). Set beside a CLI
 * `berth exec`, the difference is the JVM's and the CLI's cold share.
 *
 * <p>Usage: java -cp target/berth.jar bench/ExecWarm.java ROOT RUNROOT SHIM CONTAINER RUNS
 * Prints one line per measured run, in milliseconds.
 */
public final class ExecWarm {
    private ExecWarm() {
    }

    public static void main(String[] args) throws Exception {
        EngineConfig config = new EngineConfig(Path.of(args[0]), Path.of(args[1]),
                Path.of(args[2]));
        String container = args[3];
        int runs = Integer.parseInt(args[4]);
        try (Engine engine = Engine.open(config)) {
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < runs + 20; i++) { // 20 to compile the path first
                long start = System.nanoTime();
                execTrue(engine, container);
                if (i >= 20) {
                    times.add((System.nanoTime() - start) / 1e6);
                }
            }
            times.forEach(t -> System.out.printf("%.3f%n", t));
        }
    }

    private static void execTrue(Engine engine, String container) throws Exception {
        Engine.ExecRequest request = new Engine.ExecRequest(List.of("true"), List.of(), null,
                null, false, false, false);
        try (ExecSession session = engine.exec(container, request)) {
            session.attachment().output().transferTo(OutputStream.nullOutputStream());
            int code = session.awaitExit().exitCode();
            if (code != 0) {
                throw new IllegalStateException("exec true exited with " + code);
            }
        }
    }
}
