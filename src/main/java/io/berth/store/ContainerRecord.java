package io.berth.store;

import io.berth.convert.ContainerRequest;
import java.time.Instant;

/**
 * A container as the store keeps it: identity, what was asked for, and the last state the engine
 * recorded. The live state (is the process still there?) is the runtime's; the engine reconciles.
 *
 * @param state "created", "running" or "exited"
 * @param usernsHostId first host id of the container's user-namespace range, or null
 */
public record ContainerRecord(
        String id,
        String name,
        String imageId,
        Instant created,
        ContainerRequest request,
        String state,
        Long usernsHostId,
        Instant startedAt,
        Instant finishedAt,
        Integer exitCode,
        String error,
        long pid) {

    public ContainerRecord withState(String newState, Instant started, Instant finished,
            Integer code, String err, long newPid) {
        return new ContainerRecord(id, name, imageId, created, request, newState, usernsHostId,
                started, finished, code, err, newPid);
    }

    public ContainerRecord withName(String newName) {
        return new ContainerRecord(id, newName, imageId, created, request, state, usernsHostId,
                startedAt, finishedAt, exitCode, error, pid);
    }
}
