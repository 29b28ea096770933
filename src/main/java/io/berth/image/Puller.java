package io.berth.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.image.registry.RegistryClient;
import io.berth.image.registry.RegistryException;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fetches one image from a registry into staging: the manifest (through an index, for this
 * platform), the config, and the layers, several at once, each unpacked as it streams in and
 * checked against its digest, size and diff id before anything may use it. Nothing is written
 * twice: a layer goes from the network straight into its folder.
 */
final class Puller {
    static final int PARALLEL = 3;
    private static final int ATTEMPTS = 3;
    private static final Set<String> INDEX_TYPES = Set.of(
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final Set<String> MANIFEST_TYPES = Set.of(
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final RegistryClient client;
    private final LayerReader reader;
    private final LayerStore layers;
    private final Progress progress;

    Puller(RegistryClient client, LayerReader reader, LayerStore layers, Progress progress) {
        this.client = client;
        this.reader = reader;
        this.layers = layers;
        this.progress = progress;
    }

    /**
     * What a pull fetched, not yet stored.
     *
     * @param digest the digest of the manifest or index the reference named
     * @param layerTypes media type and size of each layer blob, by blob digest
     */
    record Fetched(LoadedImage image, String digest, Map<String, Descriptor> layerTypes) {
    }

    /** A layer blob as a manifest describes it. */
    record Descriptor(String mediaType, String digest, long size) {
    }

    /**
     * Fetches {@code reference}. The caller stores the result and then deletes the staged
     * folders that storing did not take, however it ends.
     */
    Fetched fetch(Reference reference) {
        String path = reference.path();
        RegistryClient.Manifest top = client.manifest(path,
                reference.digest() != null ? reference.digest() : reference.tag());
        RegistryClient.Manifest manifest = top;
        if (INDEX_TYPES.contains(mediaType(top))) {
            JsonNode chosen = Platforms.choose(json(top.content(), "index of " + reference),
                    "the index of " + reference.familiar());
            manifest = client.manifest(path, chosen.path("digest").asText());
            requireSize(manifest.content().length, chosen, "manifest of " + reference);
        }
        return fetchImage(reference, top.digest(), manifest);
    }

    private Fetched fetchImage(Reference reference, String digest,
            RegistryClient.Manifest manifest) {
        String type = mediaType(manifest);
        if (!MANIFEST_TYPES.contains(type)) {
            throw new ImageFormatException(reference.familiar() + " has a manifest of type \""
                    + type + "\", which is no image Berth can pull (schema 1 and artifacts"
                    + " are not).");
        }
        JsonNode json = json(manifest.content(), "manifest of " + reference);
        JsonNode configDescriptor = json.path("config");
        byte[] config = client.blobBytes(reference.path(), digestOf(configDescriptor),
                configDescriptor.path("size").asLong(-1));
        List<String> diffIds = diffIds(config, reference);
        List<Descriptor> blobs = descriptors(json.path("layers"), reference);
        if (blobs.size() != diffIds.size()) {
            throw new ImageFormatException(reference.familiar() + " lists " + blobs.size()
                    + " layers, but its config names " + diffIds.size() + ".");
        }
        progress.message((reference.digest() != null ? reference.digest() : reference.tag())
                + ": Pulling from " + reference.path());
        List<StagedLayer> staged = layersOf(reference.path(), blobs, diffIds);
        Map<String, Descriptor> types = new LinkedHashMap<>();
        blobs.forEach(b -> types.put(b.digest(), b));
        return new Fetched(new LoadedImage(config, manifest.content(), staged,
                names(reference, digest)), digest, types);
    }

    /** docker records the tag pulled and the repository at the digest it resolved. */
    private static List<Reference> names(Reference reference, String digest) {
        Reference byDigest = reference.withDigest(digest);
        return reference.digest() != null ? List.of(byDigest) : List.of(reference, byDigest);
    }

    private List<StagedLayer> layersOf(String repository, List<Descriptor> blobs,
            List<String> diffIds) {
        Map<String, Future<StagedLayer>> futures = new LinkedHashMap<>();
        List<StagedLayer> done = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "berth-pull");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < blobs.size(); i++) {
                progress.status(shortId(blobs.get(i).digest()), layers.has(diffIds.get(i))
                        ? "Already exists" : "Pulling fs layer");
            }
            for (int i : largestFirst(blobs)) {
                Descriptor blob = blobs.get(i);
                String diffId = diffIds.get(i);
                futures.computeIfAbsent(blob.digest() + " " + diffId,
                        k -> pool.submit(() -> {
                            StagedLayer layer = layer(repository, blob, diffId);
                            done.add(layer);
                            return layer;
                        }));
            }
            List<StagedLayer> staged = new ArrayList<>();
            for (int i = 0; i < blobs.size(); i++) {
                staged.add(await(futures.get(blobs.get(i).digest() + " " + diffIds.get(i))));
            }
            return staged;
        } catch (RuntimeException e) {
            stop(pool);
            done.stream().filter(l -> l.folder() != null)
                    .forEach(l -> Tree.deleteQuietly(l.folder(), e));
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The largest layer starts first: it is the longest job, and started last it would run
     * alone on one core at the end while the others idle.
     */
    private static List<Integer> largestFirst(List<Descriptor> blobs) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < blobs.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(blobs.get(b).size(), blobs.get(a).size()));
        return order;
    }

    private static StagedLayer await(Future<StagedLayer> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("pull interrupted", 0, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }

    /** Interrupts the other downloads and waits, so that none stages a layer afterwards. */
    private static void stop(ExecutorService pool) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A layer whose diff id the store holds is not fetched: the config names it, and the
     * config is checked against the manifest's digest, as the manifest is against the tag's.
     */
    private StagedLayer layer(String repository, Descriptor blob, String diffId) {
        String id = shortId(blob.digest());
        if (layers.has(diffId)) {
            return new StagedLayer(blob.digest(), diffId, null, 0);
        }
        for (int attempt = 1;; attempt++) {
            try {
                StagedLayer staged = download(repository, blob, id);
                check(staged, blob, diffId);
                progress.status(id, "Pull complete");
                return staged;
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !isTransfer(e)) {
                    throw e;
                }
                progress.status(id, "Retrying in " + attempt + " second" + (attempt > 1 ? "s"
                        : ""));
                pause(attempt);
            }
        }
    }

    private StagedLayer download(String repository, Descriptor blob, String id) {
        try (InputStream body = client.blob(repository, blob.digest());
                Counted counted = new Counted(body, blob.size(), id, progress)) {
            return reader.stage(counted, "layer " + blob.digest());
        } catch (IOException e) {
            throw new RegistryException("GET blob " + blob.digest() + ": "
                    + ImageFormatException.reason(e), 0, e);
        }
    }

    /**
     * A connection that failed or a body cut short is worth another try, as docker retries;
     * content that arrived whole but wrong is not. The staging folder is gone by then.
     */
    private static boolean isTransfer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransferException
                    || (t instanceof RegistryException r && r.status() == 0)) {
                return true;
            }
        }
        return false;
    }

    private static void pause(int seconds) {
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("pull interrupted", 0, e);
        }
    }

    /** The network failed mid-blob; distinct from a blob that is damaged or too long. */
    private static final class TransferException extends IOException {
        private static final long serialVersionUID = 1L;

        TransferException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void check(StagedLayer staged, Descriptor blob, String diffId) {
        String wrong = null;
        if (!staged.blobDigest().equals(blob.digest())) {
            wrong = "its content has the digest " + staged.blobDigest();
        } else if (!staged.diffId().equals(diffId)) {
            wrong = "it unpacks to diff id " + staged.diffId() + ", not " + diffId;
        }
        if (wrong != null) {
            Tree.deleteQuietly(staged.folder(), null);
            throw new ImageFormatException("the registry sent a damaged layer " + blob.digest()
                    + ": " + wrong + ".");
        }
    }

    private List<Descriptor> descriptors(JsonNode layerList, Reference reference) {
        List<Descriptor> blobs = new ArrayList<>();
        for (JsonNode layer : layerList) {
            String type = layer.path("mediaType").asText("");
            if (!type.contains("tar") && !type.contains("rootfs")) {
                throw new ImageFormatException(reference.familiar() + " has a layer of type \""
                        + type + "\", which is no filesystem layer.");
            }
            blobs.add(new Descriptor(type, digestOf(layer), layer.path("size").asLong(-1)));
        }
        return blobs;
    }

    private static List<String> diffIds(byte[] config, Reference reference) {
        List<String> diffIds = new ArrayList<>();
        json(config, "config of " + reference).path("rootfs").path("diff_ids")
                .forEach(d -> diffIds.add(d.asText()));
        for (String diffId : diffIds) {
            if (!Digest.isSha256(diffId)) {
                throw new ImageFormatException(reference.familiar() + " has a config with a"
                        + " diff id \"" + diffId + "\" that is no sha256 digest.");
            }
        }
        return diffIds;
    }

    private static String digestOf(JsonNode descriptor) {
        String digest = descriptor.path("digest").asText("");
        if (!Digest.isSha256(digest)) {
            throw new ImageFormatException("a manifest refers to a blob by \"" + digest
                    + "\", which is no sha256 digest.");
        }
        return digest;
    }

    private static void requireSize(int length, JsonNode descriptor, String what) {
        long size = descriptor.path("size").asLong(-1);
        if (size >= 0 && size != length) {
            throw new ImageFormatException("the " + what + " is " + length
                    + " bytes, but its index says " + size + ".");
        }
    }

    private static String mediaType(RegistryClient.Manifest manifest) {
        JsonNode json = json(manifest.content(), "manifest " + manifest.digest());
        String declared = json.path("mediaType").asText("");
        if (json.path("schemaVersion").asInt(0) == 1) {
            return "application/vnd.docker.distribution.manifest.v1+json";
        }
        if (!declared.isEmpty()) {
            return declared;
        }
        if (!manifest.mediaType().isEmpty()) {
            return manifest.mediaType();
        }
        return json.has("manifests") ? "application/vnd.oci.image.index.v1+json"
                : "application/vnd.oci.image.manifest.v1+json";
    }

    private static JsonNode json(byte[] content, String what) {
        try {
            JsonNode node = SpecJson.mapper().readTree(content);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ImageFormatException("the " + what + " is not valid JSON.", e);
        }
    }

    static String shortId(String digest) {
        return Digest.hex(digest).substring(0, 12);
    }

    /**
     * Counts a blob's bytes for the progress bar and refuses more than the manifest's size, so
     * a registry cannot fill the disk; fewer shows up as a digest mismatch.
     */
    private static final class Counted extends java.io.FilterInputStream {
        private static final long STEP = 256 * 1024;
        private final long size;
        private final String id;
        private final Progress progress;
        private long done;
        private long reported;

        Counted(InputStream in, long size, String id, Progress progress) {
            super(in);
            this.size = size;
            this.id = id;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw new TransferException("the connection failed after " + done + " of "
                        + size + " bytes: " + ImageFormatException.reason(e), e);
            }
            if (n > 0) {
                count(n);
            } else if (n < 0 && done != size && size >= 0) {
                throw new TransferException("the blob ended after " + done + " of " + size
                        + " bytes", null);
            }
            return n;
        }

        private void count(int n) throws IOException {
            done += n;
            if (size >= 0 && done > size) {
                throw new IOException("the blob is longer than its " + size + " bytes");
            }
            if (done - reported >= STEP || done == size) {
                reported = done;
                progress.bytes(id, done, size);
            }
        }

        @Override
        public void close() {
            // The response body is closed by its owner.
        }
    }
}
