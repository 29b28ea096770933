package io.berth.api;

import io.berth.engine.NotFoundException;
import io.berth.runtime.Attachment;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Attach requests that arrived before their container started. `docker run` attaches first and
 * starts after, and expects all the output: the start then asks the engine to attach before
 * the process runs, and hands that attachment to the waiting client.
 */
final class PendingAttaches {
    private final Map<String, List<CompletableFuture<Attachment>>> pending =
            new ConcurrentHashMap<>();

    /** A future attachment for a container not yet started. */
    CompletableFuture<Attachment> expect(String id) {
        CompletableFuture<Attachment> f = new CompletableFuture<>();
        pending.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(f);
        return f;
    }

    boolean waiting(String id) {
        List<CompletableFuture<Attachment>> list = pending.get(id);
        return list != null && !list.isEmpty();
    }

    /**
     * Hands the attachment made at start to the first client; later ones attach anew. With no
     * client left waiting, the attachment is closed.
     */
    void started(String id, Attachment first, Supplier<Attachment> more) {
        List<CompletableFuture<Attachment>> list = pending.remove(id);
        if (list == null || list.isEmpty()) {
            closeQuietly(first);
            return;
        }
        list.getFirst().complete(first);
        for (CompletableFuture<Attachment> f : list.subList(1, list.size())) {
            try {
                f.complete(more.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }
    }

    /** The start failed: clients waiting to attach are let go, their streams ended. */
    void failed(String id, RuntimeException cause) {
        List<CompletableFuture<Attachment>> list = pending.remove(id);
        if (list != null) {
            list.forEach(f -> f.completeExceptionally(cause));
        }
    }

    /** The container is gone: clients still waiting to attach are let go. */
    void removed(String id) {
        List<CompletableFuture<Attachment>> list = pending.remove(id);
        if (list != null) {
            list.forEach(f -> f.completeExceptionally(new NotFoundException(
                    "No such container: " + id)));
        }
    }

    private static void closeQuietly(Attachment a) {
        if (a == null) {
            return;
        }
        try {
            a.close();
        } catch (IOException e) {
            // Nothing was read from it.
        }
    }
}
