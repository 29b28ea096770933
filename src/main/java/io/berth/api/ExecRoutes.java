package io.berth.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.engine.Container;
import io.berth.engine.Engine;
import io.berth.engine.Names;
import io.berth.runtime.ContainerStartException;
import io.berth.runtime.ExecSession;
import io.berth.runtime.ExitStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;

/**
 * docker exec: an exec is made (its settings kept here), started (the process runs and the
 * connection is taken over for its stdio), and inspected for its exit code.
 */
final class ExecRoutes {
    private static final long EXEC_KEPT_NANOS = 10L * 60 * 1_000_000_000L;

    private final EnginePool pool;
    private final Map<String, Exec> execs = new ConcurrentHashMap<>();

    ExecRoutes(EnginePool pool) {
        this.pool = pool;
    }

    void register(Router r) {
        r.on("POST", "/containers/{id}/exec", this::create);
        r.on("POST", "/exec/{id}/start", this::start);
        r.on("POST", "/exec/{id}/resize", this::resize);
        r.on("GET", "/exec/{id}/json", this::inspect);
    }

    /** The body of exec create; docker-java sends nulls and a stray containerId. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ExecBody(@JsonProperty("AttachStdin") Boolean attachStdin,
            @JsonProperty("AttachStdout") Boolean attachStdout,
            @JsonProperty("AttachStderr") Boolean attachStderr,
            @JsonProperty("Tty") Boolean tty,
            @JsonProperty("Privileged") Boolean privileged,
            @JsonProperty("User") String user,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("Env") List<String> env,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("ConsoleSize") List<Integer> consoleSize) {
    }

    /** The body of exec start. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StartBody(@JsonProperty("Detach") Boolean detach, @JsonProperty("Tty") Boolean tty,
            @JsonProperty("ConsoleSize") List<Integer> consoleSize) {
    }

    /** One exec: its settings, and once started its session and outcome. */
    static final class Exec {
        final String id;
        final Container container;
        final ExecBody body;
        volatile ExecSession session;
        volatile boolean running;
        volatile Integer exitCode;
        volatile long endedAt;

        Exec(String id, Container container, ExecBody body) {
            this.id = id;
            this.container = container;
            this.body = body;
        }
    }

    private void create(HttpExchange ex, Matcher path) throws Exception {
        ExecBody body = ApiJson.read(ex.request().body(), ExecBody.class);
        if (body == null || body.cmd() == null || body.cmd().isEmpty()) {
            throw new ApiException(400, "No exec command specified");
        }
        Container c = pool.with(e -> e.execTarget(path.group(1)));
        forgetOldExecs();
        String id = Names.newId();
        execs.put(id, new Exec(id, c, body));
        ex.json(201, Map.of("Id", id));
    }

    private void start(HttpExchange ex, Matcher path) throws Exception {
        Exec exec = find(path.group(1));
        StartBody start = ApiJson.read(ex.request().body(), StartBody.class);
        boolean detach = start != null && Boolean.TRUE.equals(start.detach());
        boolean tty = Boolean.TRUE.equals(exec.body.tty());
        List<Integer> size = start != null && start.consoleSize() != null ? start.consoleSize()
                : exec.body.consoleSize();
        Engine.ExecRequest spec = request(exec.body, tty, detach);
        if (detach) {
            launch(exec, spec, size);
            ex.empty(200);
            return;
        }
        HttpExchange.RawStream client = ex.hijack(StreamRoutes.streamType(ex.request(), tty));
        try {
            launch(exec, spec, size);
        } catch (ContainerStartException e) {
            exec.exitCode = e.exitCode();
            exec.endedAt = System.nanoTime();
            byte[] message = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            client.output().write(tty ? message : StreamCopy.frame(2, message));
            client.closeOutput().run();
            return;
        }
        stream(exec, client, tty);
    }

    private static Engine.ExecRequest request(ExecBody body, boolean tty, boolean detach) {
        return new Engine.ExecRequest(body.cmd(), body.env(), body.workingDir(), body.user(),
                tty, Boolean.TRUE.equals(body.attachStdin()) && !detach, detach);
    }

    private void launch(Exec exec, Engine.ExecRequest spec, List<Integer> size)
            throws Exception {
        exec.session = pool.with(e -> e.exec(exec.container.id(), spec));
        exec.running = true;
        if (spec.tty() && size != null && size.size() == 2 && size.get(0) > 0) {
            exec.session.resize(size.get(0), size.get(1));
        }
        if (spec.detach()) {
            Thread.ofVirtual().name("exec-" + exec.id.substring(0, 12)).start(() ->
                    recordExit(exec));
        }
    }

    /**
     * Streams the exec's stdio until its output ends, then records the exit before the
     * connection closes: the CLI asks for the exit code right after.
     */
    private static void stream(Exec exec, HttpExchange.RawStream client, boolean tty)
            throws IOException {
        boolean stdin = Boolean.TRUE.equals(exec.body.attachStdin());
        StreamCopy.Selection what = new StreamCopy.Selection(
                !Boolean.FALSE.equals(exec.body.attachStdout()),
                !Boolean.FALSE.equals(exec.body.attachStderr()), tty);
        StreamCopy.attach(exec.session.attachment(), client, what, stdin, () -> recordExit(exec));
    }

    /**
     * Ended execs are kept a while for their inspect (clients ask right after the end, or
     * poll), then forgotten, so a long-lived service does not keep every exec it ever ran.
     */
    private void forgetOldExecs() {
        long before = System.nanoTime() - EXEC_KEPT_NANOS;
        execs.values().removeIf(e -> !e.running && e.endedAt != 0 && e.endedAt < before);
    }

    private static void recordExit(Exec exec) {
        try {
            ExitStatus status = exec.session.awaitExit();
            exec.exitCode = status.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            exec.exitCode = -1;
        } finally {
            exec.running = false;
            exec.endedAt = System.nanoTime();
        }
    }

    private void resize(HttpExchange ex, Matcher path) {
        Exec exec = find(path.group(1));
        HttpRequest req = ex.request();
        if (exec.session != null) {
            exec.session.resize(req.integer("h", 0), req.integer("w", 0));
        }
        ex.empty(200);
    }

    private void inspect(HttpExchange ex, Matcher path) {
        Exec exec = find(path.group(1));
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("tty", Boolean.TRUE.equals(exec.body.tty()));
        process.put("entrypoint", exec.body.cmd().getFirst());
        process.put("arguments", exec.body.cmd().subList(1, exec.body.cmd().size()));
        process.put("privileged", Boolean.TRUE.equals(exec.body.privileged()));
        process.put("user", exec.body.user() == null ? "" : exec.body.user());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", exec.id);
        m.put("Running", exec.running);
        m.put("ExitCode", exec.exitCode);
        m.put("ProcessConfig", process);
        m.put("OpenStdin", Boolean.TRUE.equals(exec.body.attachStdin()));
        m.put("OpenStderr", !Boolean.FALSE.equals(exec.body.attachStderr()));
        m.put("OpenStdout", !Boolean.FALSE.equals(exec.body.attachStdout()));
        m.put("CanRemove", false);
        m.put("ContainerID", exec.container.id());
        m.put("DetachKeys", "");
        m.put("Pid", exec.session == null ? 0 : exec.session.pid());
        ex.json(200, m);
    }

    private Exec find(String id) {
        Exec exec = execs.get(id);
        if (exec == null) {
            throw new ApiException(404, "No such exec instance: " + id);
        }
        return exec;
    }
}
