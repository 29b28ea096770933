package io.berth.runtime;

import io.berth.spec.JsonWriter;
import io.berth.spec.Spec;
import io.berth.sys.Errno;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The spec's hooks (runtime-spec config.md, "POSIX-platform Hooks"): each runs with the state
 * document on its stdin, in order, within its timeout. A failing prestart, createRuntime,
 * createContainer or startContainer hook fails the operation; a failing poststart or poststop
 * hook is only reported.
 *
 * <p>These are the hooks Java runs, in the runtime's namespaces: prestart and createRuntime
 * (after the clone, before go), poststart and poststop. createContainer and startContainer
 * run in the container's namespaces, so the container process runs them (native/container.c).
 * Here a hook's argv[0] is its path: ProcessBuilder cannot give a program another argv[0]
 * than the file it runs.
 */
final class LifecycleHooks {
    private static final System.Logger LOG = System.getLogger(LifecycleHooks.class.getName());

    private LifecycleHooks() {
    }

    /** The state document hooks and {@code berth oci state} read. */
    static byte[] stateJson(String id, String status, long pid, String bundle,
            Map<String, String> annotations) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("ociVersion", Spec.OCI_VERSION);
        state.put("id", id);
        state.put("status", status);
        state.put("pid", pid);
        state.put("bundle", bundle);
        state.put("annotations", annotations == null ? Map.of() : annotations);
        return JsonWriter.compact(state).getBytes(StandardCharsets.UTF_8);
    }

    /** Hooks whose failure fails the operation: throws ContainerStartException. */
    static void runRequired(String phase, List<Spec.Hook> hooks, byte[] state) {
        for (Spec.Hook hook : hooks == null ? List.<Spec.Hook>of() : hooks) {
            String failure = run(hook, state);
            if (failure != null) {
                throw new ContainerStartException(phase + " hook " + hook.path() + ": " + failure,
                        Errno.EIO);
            }
        }
    }

    /** Hooks whose failure is only reported (poststart, poststop). */
    static void runReported(String phase, List<Spec.Hook> hooks, byte[] state) {
        for (Spec.Hook hook : hooks == null ? List.<Spec.Hook>of() : hooks) {
            String failure = run(hook, state);
            if (failure != null) {
                LOG.log(System.Logger.Level.WARNING, phase + " hook " + hook.path() + ": "
                        + failure);
            }
        }
    }

    /** Runs one hook; returns null when it exited 0, else what went wrong. */
    private static String run(Spec.Hook hook, byte[] state) {
        List<String> command = new ArrayList<>(List.of(hook.path()));
        if (hook.args() != null && hook.args().size() > 1) {
            command.addAll(hook.args().subList(1, hook.args().size()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        for (String entry : hook.env() == null ? List.<String>of() : hook.env()) {
            int eq = entry.indexOf('=');
            builder.environment().put(eq < 0 ? entry : entry.substring(0, eq),
                    eq < 0 ? "" : entry.substring(eq + 1));
        }
        try {
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(state);
            } catch (IOException e) {
                // A hook that does not read its stdin is fine.
            }
            return await(process, hook.timeout());
        } catch (IOException e) {
            return "cannot run it: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String await(Process process, Integer timeout)
            throws IOException, InterruptedException {
        byte[][] output = new byte[1][];
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = new byte[0];
            }
        });
        boolean done = timeout == null || timeout <= 0 ? process.waitFor() >= 0
                : process.waitFor(timeout, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly().waitFor();
            drain.join(1000);
            return "timed out after " + timeout + "s";
        }
        drain.join(java.time.Duration.ofSeconds(2)); // a child of the hook may keep its stdout
        if (process.exitValue() == 0) {
            return null;
        }
        String text = output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8)
                .strip();
        return "exited with " + process.exitValue() + (text.isEmpty() ? "" : ": " + text);
    }
}
