package io.berth.engine;

import io.berth.convert.ContainerRequest;
import io.berth.store.ContainerRecord;
import java.time.Instant;
import java.util.List;

/**
 * A container as users see it: its record and its live state, read together.
 *
 * @param status docker's words: created, running, paused, exited
 * @param args the command the process runs (entrypoint and cmd), as docker's Path + Args
 */
public record Container(
        ContainerRecord record,
        String status,
        long pid,
        List<String> args,
        Instant startedAt,
        Instant finishedAt,
        int exitCode,
        String error) {

    public String id() {
        return record.id();
    }

    public String shortId() {
        return record.id().substring(0, 12);
    }

    public String name() {
        return record.name();
    }

    public ContainerRequest request() {
        return record.request();
    }

    public boolean running() {
        return "running".equals(status) || "paused".equals(status);
    }
}
