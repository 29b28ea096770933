package io.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a chain of CNI plugins the way the CNI library (libcni, in Go) does: each plugin of a
 * network configuration list gets the list's name and version, the runtime values its
 * capabilities ask for, and the previous plugin's result; DEL runs the chain in reverse.
 * Written by hand because there is no maintained Java CNI library; the protocol is environment
 * variables, JSON on stdin and a JSON result or error on stdout (CNI SPEC, "Execution").
 */
final class CniPlugins {
    private static final long TIMEOUT_SECONDS = 60;
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
            + ":/sbin:/bin";

    private final Path binDir;

    CniPlugins(Path binDir) {
        this.binDir = binDir;
    }

    /** What every plugin of one call is told: who, where, and the runtime's values. */
    record Call(String containerId, String netns, String ifName, String args,
            ObjectNode runtimeConfig) {
    }

    /** ADD through the chain; returns the last plugin's result. */
    JsonNode add(ObjectNode conflist, Call call) {
        JsonNode result = null;
        for (JsonNode plugin : conflist.withArray("plugins")) {
            ObjectNode conf = pluginConfig(conflist, plugin, call.runtimeConfig(), result);
            result = exec("ADD", conf, call);
        }
        return result;
    }

    /**
     * DEL through the chain in reverse, giving each plugin the cached ADD result. Every plugin
     * runs even when one fails, so one broken step leaves as little behind as possible; the
     * first failure is thrown afterwards.
     */
    void del(ObjectNode conflist, Call call, JsonNode cachedResult) {
        List<JsonNode> plugins = new ArrayList<>();
        conflist.withArray("plugins").forEach(plugins::add);
        NetworkException first = null;
        for (JsonNode plugin : plugins.reversed()) {
            try {
                exec("DEL", pluginConfig(conflist, plugin, call.runtimeConfig(), cachedResult),
                        call);
            } catch (NetworkException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** One plugin, one command; the parsed stdout, or null when the plugin printed nothing. */
    JsonNode exec(String command, ObjectNode conf, Call call) {
        String type = conf.path("type").asText();
        Path binary = binDir.resolve(type);
        if (!Files.isExecutable(binary)) {
            throw new NetworkException("cni " + type + " " + command + ": no plugin " + binary);
        }
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        environment(pb.environment(), command, call);
        byte[] input = json(conf);
        Output out = run(pb, input, type + " " + command);
        return parse(command, conf, call, out);
    }

    private static ObjectNode pluginConfig(ObjectNode conflist, JsonNode plugin,
            ObjectNode runtime, JsonNode prevResult) {
        ObjectNode conf = plugin.deepCopy();
        conf.put("cniVersion", conflist.path("cniVersion").asText());
        conf.put("name", conflist.path("name").asText());
        ObjectNode wanted = conf.objectNode();
        Iterator<Map.Entry<String, JsonNode>> caps = plugin.path("capabilities").properties()
                .iterator();
        while (caps.hasNext()) {
            Map.Entry<String, JsonNode> cap = caps.next();
            if (cap.getValue().asBoolean() && runtime != null && runtime.has(cap.getKey())) {
                wanted.set(cap.getKey(), runtime.get(cap.getKey()));
            }
        }
        if (!wanted.isEmpty()) {
            conf.set("runtimeConfig", wanted);
        }
        if (prevResult != null) {
            conf.set("prevResult", prevResult);
        }
        return conf;
    }

    private void environment(Map<String, String> env, String command, Call call) {
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", call.containerId());
        env.put("CNI_NETNS", call.netns() == null ? "" : call.netns());
        env.put("CNI_IFNAME", call.ifName());
        env.put("CNI_ARGS", call.args() == null ? "" : call.args());
        env.put("CNI_PATH", binDir.toString());
        // portmap and bridge run iptables and sysctl helpers found through PATH.
        env.merge("PATH", SYSTEM_PATH, (have, add) -> have + ":" + add);
    }

    private record Output(int exit, String stdout, String stderr) {
    }

    private static Output run(ProcessBuilder pb, byte[] input, String what) {
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new NetworkException("cni " + what + ": start " + pb.command() + ": "
                    + e.getMessage(), e);
        }
        // A platform thread: a virtual one blocked on the pipe can hold its carrier, and in a
        // busy engine no carrier may be left to run it.
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(
                () -> drain(p.getErrorStream()),
                task -> Thread.ofPlatform().daemon(true).name("cni-stderr").start(task));
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(input);
        } catch (IOException e) {
            // A plugin that fails early may close stdin first; its exit status says why.
        }
        String stdout = drain(p.getInputStream());
        return new Output(waitFor(p, what), stdout, stderr.join());
    }

    private static int waitFor(Process p, String what) {
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NetworkException("cni " + what + ": no answer in " + TIMEOUT_SECONDS
                        + " s (plugin pid " + p.pid() + " killed)");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NetworkException("cni " + what + ": interrupted", e);
        }
    }

    private static JsonNode parse(String command, ObjectNode conf, Call call, Output out) {
        String what = "cni " + conf.path("type").asText() + " " + command + " for container "
                + shortId(call.containerId()) + " on network " + conf.path("name").asText();
        JsonNode json = out.stdout().isBlank() ? null : readTree(what, out.stdout());
        if (out.exit() != 0) {
            throw new NetworkException(what + ": " + errorText(json, out));
        }
        return json;
    }

    private static String errorText(JsonNode json, Output out) {
        if (json != null && json.has("msg")) {
            String details = json.path("details").asText("");
            return json.path("msg").asText() + (details.isEmpty() ? "" : ": " + details);
        }
        String text = (out.stdout() + " " + out.stderr()).strip();
        return "exit status " + out.exit() + (text.isEmpty() ? "" : ": " + text);
    }

    private static JsonNode readTree(String what, String text) {
        try {
            return JsonFiles.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new NetworkException(what + ": unreadable result: " + text.strip(), e);
        }
    }

    private static byte[] json(ObjectNode conf) {
        try {
            return JsonFiles.MAPPER.writeValueAsBytes(conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String drain(InputStream in) {
        try (in; ByteArrayOutputStream buf = new ByteArrayOutputStream()) {
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
