package io.berth.store;

import io.berth.convert.ContainerRequest;
import java.time.Instant;

/**
 * A container as the store keeps it: identity, what was asked for, and the last state the engine
 * recorded. The live state (is the process still there?) is the runtime's; the engine reconciles.
 *
 * @param state "created", "running" or "exited"
 * @param usernsHostId first host id of the container's user-namespace range, or null
 * @param restartCount how often the restart policy has started it again
 * @param manuallyStopped whether a user stopped or killed it, which ends restarts
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
        long pid,
        int restartCount,
        boolean manuallyStopped) {

    public ContainerRecord withState(String newState, Instant started, Instant finished,
            Integer code, String err, long newPid) {
        return new ContainerRecord(id, name, imageId, created, request, newState, usernsHostId,
                started, finished, code, err, newPid, restartCount, manuallyStopped);
    }

    public ContainerRecord withName(String newName) {
        return new ContainerRecord(id, newName, imageId, created, request, state, usernsHostId,
                startedAt, finishedAt, exitCode, error, pid, restartCount, manuallyStopped);
    }

    /** The record with a changed request (docker update changes its limits). */
    public ContainerRecord withRequest(ContainerRequest changed) {
        return new ContainerRecord(id, name, imageId, created, changed, state, usernsHostId,
                startedAt, finishedAt, exitCode, error, pid, restartCount, manuallyStopped);
    }

    public ContainerRecord withRestarts(int count, boolean stoppedByUser) {
        return new ContainerRecord(id, name, imageId, created, request, state, usernsHostId,
                startedAt, finishedAt, exitCode, error, pid, count, stoppedByUser);
    }
}
