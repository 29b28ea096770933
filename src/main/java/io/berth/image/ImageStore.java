package io.berth.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.image.registry.AuthFile;
import io.berth.image.registry.Registries;
import io.berth.image.registry.RegistryException;
import io.berth.spec.ImageConfig;
import io.berth.spec.SpecJson;
import io.berth.sys.Sys;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The images of one Berth root: config blobs by digest, layers unpacked once by diff id and
 * shared, tags, and overlay snapshots of images for containers. Several processes may use one
 * root at once; changes to it are atomic renames under a file lock.
 */
public final class ImageStore {
    private static final Pattern HEX_PREFIX = Pattern.compile("[0-9a-f]{3,64}");
    private static final int MIN_PREFIX = 3;
    private static final java.time.Duration STALE = java.time.Duration.ofHours(6);

    private final Path root;
    private final Sys sys;
    private final BlobStore blobs;
    private final LayerStore layers;
    private final Catalog catalog;
    private final LayerReader layerReader;
    private final Snapshots snapshots;
    private volatile Registries registries;

    /** A store that owns everything under {@code root} (e.g. /var/lib/berth/image). */
    public ImageStore(Path root, Sys sys) {
        this.root = root;
        this.sys = sys;
        this.blobs = new BlobStore(root);
        this.layers = new LayerStore(root);
        this.catalog = new Catalog(root);
        this.layerReader = new LayerReader(layers, new LayerUnpacker(sys));
        this.snapshots = new Snapshots(sys);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("make image store " + root, e);
        }
        layers.sweepStaging(STALE);
    }

    /**
     * Loads a docker-archive tar (as {@code docker save} writes), an OCI archive tar (either
     * may be gzip or zstd compressed as a whole) or an OCI layout folder. Layers may be gzip,
     * zstd or plain; every blob's digest and every layer's diff id is checked. Returns the
     * images loaded, with the tags the input gives them.
     *
     * @throws ImageFormatException naming what is wrong with a damaged or foreign input; then
     *     nothing was stored
     */
    public List<Image> load(Path input) {
        if (Files.isDirectory(input)) {
            try (ArchiveScope scope = new ArchiveScope(input.toString())) {
                scope.reader.readFolder(input);
                return commit(ArchiveImages.of(scope.reader));
            }
        }
        try (InputStream in = Files.newInputStream(input)) {
            return load(in, input.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UncheckedIOException("read " + input + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + input + ": "
                    + ImageFormatException.reason(e), e);
        }
    }

    /** {@link #load(Path)} from a tar stream ({@code berth load < file}). */
    public List<Image> load(InputStream tar) {
        return load(tar, "the input");
    }

    private List<Image> load(InputStream tar, String source) {
        try (ArchiveScope scope = new ArchiveScope(source)) {
            scope.reader.readTar(decompressed(tar, source));
            return commit(ArchiveImages.of(scope.reader));
        }
    }

    /** docker load also takes a gzip (or zstd) compressed archive. */
    private static InputStream decompressed(InputStream tar, String source) {
        BufferedInputStream in = new BufferedInputStream(tar, 64 * 1024);
        try {
            return Compression.sniff(in).open(in);
        } catch (IOException e) {
            throw new ImageFormatException(source + " cannot be decompressed: "
                    + ImageFormatException.reason(e) + ".", e);
        }
    }

    /** An archive reader whose staged layers are deleted however the load ends. */
    private final class ArchiveScope implements AutoCloseable {
        final ArchiveReader reader;

        ArchiveScope(String source) {
            this.reader = new ArchiveReader(layerReader, source);
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    private List<Image> commit(List<LoadedImage> loaded) {
        return catalog.locked(() -> {
            List<String> ids = new ArrayList<>();
            for (LoadedImage image : loaded) {
                ids.add(store(image));
            }
            return ids.stream().map(id -> image(id).orElseThrow()).toList();
        });
    }

    /**
     * Layers first, then the config, then the image and its tags: a reader sees all or none.
     * What the image's names will point to is flushed to disk before they are written, with
     * one syncfs for every file of every new layer (podman 4.3 flushes its metadata but none
     * of a layer's files; an fsync per file would cost more than the unpacking).
     */
    private String store(LoadedImage image) {
        boolean written = false;
        for (StagedLayer layer : image.layers()) {
            if (!layers.has(layer.diffId())) {
                if (layer.folder() == null) {
                    throw new IllegalStateException("layer " + layer.diffId()
                            + " left the store while an image using it was loaded");
                }
                layers.commit(layer.folder(), layer.diffId(), layer.size());
                written = true;
            }
            layers.rememberBlob(layer.blobDigest(), layer.diffId());
        }
        if (image.manifest() != null) {
            blobs.put(image.manifest());
        }
        written |= !blobs.has(Digest.of(image.config()));
        String id = blobs.put(image.config());
        if (written) {
            sys.syncfs(root.toString());
        }
        catalog.addImage(id);
        for (Reference name : image.names()) {
            catalog.tag(name, id);
        }
        return id;
    }

    /**
     * Credentials in {@code auth.json} of this store (mode 0600), and docker's rule for which
     * registries may be reached over plain HTTP.
     */
    public Registries registries() {
        Registries made = registries;
        if (made == null) {
            // One set of HTTP clients per store: each holds a selector thread and a pool.
            made = new Registries(
                    new AuthFile(root.resolve("auth.json")), List.of());
            registries = made;
        }
        return made;
    }

    /**
     * {@code docker pull}: fetches the image {@code reference} names ({@code busybox} is
     * {@code docker.io/library/busybox:latest}; {@code name@sha256:...} by digest) for this
     * platform, unpacking each layer once as it arrives, several at a time. A layer the store
     * holds already is not fetched. Every blob is checked against its digest and size; a bad
     * one is deleted and fails the pull, and nothing of the image is stored then.
     *
     * @throws RegistryException when the registry refuses or fails
     * @throws ImageFormatException when what the registry sent is damaged or no image
     * @throws IllegalArgumentException for a reference that does not parse
     */
    public PullResult pull(String reference, Registries registries,
            Progress progress) {
        Reference name = Reference.parse(reference);
        Puller puller = new Puller(registries.client(name.domain()), layerReader, layers,
                progress);
        Puller.Fetched fetched = puller.fetch(name);
        try {
            boolean had = catalog.hasImage(Digest.of(fetched.image().config()));
            // docker says "Downloaded newer image" whenever the tag is new or moved, even when
            // the image was stored under another name.
            Optional<String> tagged = name.digest() == null
                    ? find(reference).map(Image::id) : Optional.empty();
            Image image = commit(List.of(fetched.image())).getFirst();
            rememberCompressed(fetched, name.repository());
            progress.message("Digest: " + fetched.digest());
            boolean upToDate = name.digest() == null ? tagged.equals(Optional.of(image.id()))
                    : had;
            return new PullResult(image, fetched.digest(), !upToDate);
        } finally {
            for (StagedLayer layer : fetched.image().layers()) {
                if (layer.folder() != null) {
                    Tree.deleteQuietly(layer.folder(), null);
                }
            }
        }
    }

    /**
     * {@code docker push}: sends the image tagged {@code reference} to its registry with the
     * same id (each layer's tar is written again byte for byte from its tar-split), and
     * records the repository digest it got. Returns the manifest's digest.
     *
     * @throws IllegalArgumentException when no image has that tag
     * @throws RegistryException when the registry refuses or fails
     */
    public String push(String reference, Registries registries,
            Progress progress) {
        Reference name = Reference.parse(reference);
        String id = catalog.tags().get(name.canonical());
        if (name.digest() != null || id == null) {
            throw new IllegalArgumentException("An image does not exist locally with the tag: "
                    + name.familiarRepository() + (name.tag() == null ? "" : ":" + name.tag()));
        }
        Image image = image(id).orElseThrow();
        byte[] config = blobs.get(id).orElseThrow();
        String digest = new Pusher(registries.client(name.domain()), layers, progress)
                .push(name, config, image.diffIds());
        catalog.locked(() -> {
            if (catalog.hasImage(id)) {
                catalog.tag(name.withDigest(digest), id);
            }
            return null;
        });
        return digest;
    }

    private void rememberCompressed(Puller.Fetched fetched, String repository) {
        for (StagedLayer layer : fetched.image().layers()) {
            Puller.Descriptor blob = fetched.layerTypes().get(layer.blobDigest());
            if (blob != null && blob.size() >= 0) {
                layers.rememberCompressed(layer.diffId(), new LayerStore.Compressed(
                        blob.digest(), blob.size(), blob.mediaType(), repository));
            }
        }
    }

    /**
     * {@code docker import}: a rootfs tar (plain, gzip or zstd) becomes a one-layer image.
     *
     * @param reference the name to tag it with, or null
     * @param changes Dockerfile lines such as {@code CMD ["sh"]} or {@code ENV A=b}
     * @throws IllegalArgumentException for a bad reference or change, before reading the tar
     * @throws ImageFormatException when the tar is damaged; then nothing was stored
     */
    public Image importRootfs(InputStream tar, String reference, List<String> changes) {
        Reference name = reference == null ? null : Reference.parse(reference);
        ObjectNode config = SpecJson.mapper().createObjectNode();
        Changes.apply(config, changes == null ? List.of() : changes);
        StagedLayer layer = layerReader.stage(new BufferedInputStream(tar), "the imported tar");
        try {
            byte[] configBlob = importConfig(config, layer.diffId());
            LoadedImage image = new LoadedImage(configBlob, null, List.of(layer),
                    name == null ? List.of() : List.of(name));
            return commit(List.of(image)).getFirst();
        } finally {
            Tree.deleteQuietly(layer.folder(), null);
        }
    }

    private static byte[] importConfig(ObjectNode config, String diffId) {
        String now = Instant.now().toString();
        ObjectNode image = SpecJson.mapper().createObjectNode();
        image.put("architecture", Platforms.architecture());
        image.put("os", "linux");
        image.put("created", now);
        image.put("comment", "Imported from -");
        image.set("config", config);
        ObjectNode rootfs = image.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add(diffId);
        image.putArray("history").addObject().put("created", now)
                .put("comment", "Imported from -");
        try {
            return SpecJson.mapper().writer().without(
                    com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(image);
        } catch (IOException e) {
            throw new UncheckedIOException("write image config", e);
        }
    }

    /**
     * By reference ({@code busybox}, {@code busybox:latest},
     * {@code docker.io/library/busybox:latest}, {@code localhost:5000/x/y:tag},
     * {@code name@sha256:...} when that digest was tagged), by id ({@code sha256:HEX} or
     * {@code HEX}) or by an id prefix of at least 3 hex digits (with or without
     * {@code sha256:}) that only one image has. A name is tried before an id prefix, as docker
     * does.
     *
     * @throws IllegalArgumentException when an id prefix fits several images
     */
    public Optional<Image> find(String nameOrId) {
        if (nameOrId == null || nameOrId.isBlank()) {
            return Optional.empty();
        }
        if (Digest.isSha256(nameOrId)) {
            return image(nameOrId);
        }
        if (nameOrId.startsWith("sha256:")) {
            String prefix = nameOrId.substring(7);
            return HEX_PREFIX.matcher(prefix).matches() ? byPrefix(prefix) : Optional.empty();
        }
        if (Digest.isHex(nameOrId)) {
            return image("sha256:" + nameOrId);
        }
        Optional<Image> byName = byReference(nameOrId);
        if (byName.isPresent() || !HEX_PREFIX.matcher(nameOrId).matches()) {
            return byName;
        }
        return byPrefix(nameOrId);
    }

    private Optional<Image> byReference(String name) {
        Reference reference;
        try {
            reference = Reference.parse(name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String id = catalog.tags().get(reference.canonical());
        return id == null ? Optional.empty() : image(id);
    }

    private Optional<Image> byPrefix(String prefix) {
        List<String> matches = catalog.imageIds().stream()
                .filter(id -> Digest.hex(id).startsWith(prefix)).toList();
        if (matches.size() > 1) {
            throw new IllegalArgumentException("the image id prefix " + prefix
                    + " is ambiguous: " + matches.size() + " images have it.");
        }
        return matches.isEmpty() || prefix.length() < MIN_PREFIX ? Optional.empty()
                : image(matches.getFirst());
    }

    /** Every image, tagged or not, in id order. */
    public List<Image> list() {
        Map<String, String> tags = catalog.tags();
        return catalog.imageIds().stream().map(id -> image(id, tags)).flatMap(Optional::stream)
                .toList();
    }

    /** Points {@code reference} (normalised as docker does) at {@code image}. */
    public void tag(Image image, String reference) {
        Reference name = Reference.parse(reference);
        catalog.locked(() -> {
            if (!catalog.hasImage(image.id())) {
                throw new IllegalArgumentException("no such image: " + image.id());
            }
            catalog.tag(name, image.id());
            return null;
        });
    }

    /**
     * Removes one reference ({@code docker rmi NAME} of an image with other names).
     *
     * @return false when no image had that reference
     */
    public boolean untag(String reference) {
        Reference name = Reference.parse(reference);
        return catalog.locked(() -> catalog.untag(name));
    }

    /**
     * Removes an image: its tags, its record and config blob, and then each of its layers that no
     * other image uses. The caller first makes sure no container uses the image (docker answers
     * a conflict then): a layer under a mounted snapshot must not go.
     *
     * @return false when the store did not hold the image
     */
    public boolean remove(Image image) {
        return catalog.locked(() -> drop(image.id()) >= 0);
    }

    /**
     * {@code docker image prune}: removes dangling images (no tag), or with {@code all} every
     * image, except those in {@code inUse} (ids of images containers use).
     */
    public PruneResult prune(boolean all, java.util.Set<String> inUse) {
        return catalog.locked(() -> {
            List<String> deleted = new ArrayList<>();
            long reclaimed = 0;
            for (Image image : list()) {
                boolean dangling = image.repoTags().isEmpty();
                if ((all || dangling) && !inUse.contains(image.id())) {
                    reclaimed += Math.max(0, drop(image.id()));
                    deleted.add(image.id());
                }
            }
            return new PruneResult(deleted, reclaimed);
        });
    }

    /** Under the lock: the bytes of the layers deleted, or -1 when there was no such image. */
    private long drop(String id) {
        if (!catalog.hasImage(id)) {
            return -1;
        }
        catalog.removeImage(id);
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Image other : list()) {
            used.addAll(other.diffIds());
        }
        long reclaimed = 0;
        for (String diffId : layers.diffIds()) {
            if (!used.contains(diffId)) {
                reclaimed += layers.size(diffId);
                layers.delete(diffId);
            }
        }
        // The config blob is the image: a later load or pull of it stores it again.
        blobs.delete(id);
        return reclaimed;
    }

    /**
     * {@code docker history}: the steps of the image's config, newest first, each non-empty
     * one with the size of its layer.
     */
    public List<HistoryEntry> history(Image image) {
        JsonNode config = readConfig(image.id(), blobs.get(image.id()).orElseThrow(
                () -> new IllegalArgumentException("no such image: " + image.id())));
        List<HistoryEntry> steps = new ArrayList<>();
        JsonNode history = config.path("history");
        int layer = 0;
        for (JsonNode step : history) {
            boolean empty = step.path("empty_layer").asBoolean(false);
            long size = !empty && layer < image.diffIds().size()
                    ? layers.size(image.diffIds().get(layer++)) : 0;
            steps.add(new HistoryEntry("<missing>", instant(step.path("created").asText("")),
                    step.path("created_by").asText(""), size, step.path("comment").asText(""),
                    empty));
        }
        while (layer < image.diffIds().size()) {
            steps.add(new HistoryEntry("<missing>", image.created(), "",
                    layers.size(image.diffIds().get(layer++)), "", false));
        }
        List<HistoryEntry> newestFirst = new ArrayList<>(steps.reversed());
        if (!newestFirst.isEmpty()) {
            HistoryEntry top = newestFirst.getFirst();
            newestFirst.set(0, new HistoryEntry(image.id(), top.created(), top.createdBy(),
                    top.size(), top.comment(), top.emptyLayer()));
        }
        return newestFirst;
    }

    /**
     * {@code docker save}: writes the images {@code names} name as one tar that docker load,
     * skopeo (docker-archive: and oci-archive:) and Berth read. A name that is a tag is kept
     * in the archive; an image named by id travels without a name.
     *
     * @throws IllegalArgumentException naming an image the store does not hold
     */
    public void save(List<String> names, java.io.OutputStream out) {
        java.util.LinkedHashMap<String, List<Reference>> chosen = new java.util.LinkedHashMap<>();
        for (String name : names) {
            Optional<Image> tagged = byReference(name);
            Image image = tagged.or(() -> find(name)).orElseThrow(
                    () -> new IllegalArgumentException("No such image: " + name));
            List<Reference> refs = chosen.computeIfAbsent(image.id(), k -> new ArrayList<>());
            Reference ref = tagged.isPresent() ? Reference.parse(name) : null;
            if (ref != null && ref.digest() == null && !refs.contains(ref)) {
                refs.add(ref);
            }
        }
        List<ArchiveWriter.Entry> entries = new ArrayList<>();
        chosen.forEach((id, refs) -> entries.add(new ArchiveWriter.Entry(
                blobs.get(id).orElseThrow(), image(id).orElseThrow().diffIds(), refs)));
        new ArchiveWriter(layers, out).write(entries);
    }

    /**
     * The image's config blob as stored (author, comment, history, rootfs and all), for
     * {@code inspect} and the Engine API, which show more than {@link Image} carries.
     */
    public String configJson(Image image) {
        byte[] blob = blobs.get(image.id()).orElseThrow(() -> new IllegalArgumentException(
                "no such image: " + image.id()));
        return new String(blob, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The unpacked layer folders of an image, lowest first; shared between images. */
    public List<Path> layerDirs(Image image) {
        return image.diffIds().stream().map(layers::diff).toList();
    }

    /**
     * Mounts the image as an overlay on {@code target}: its layers as lower dirs, upper and
     * work dirs under {@code snapshotDir}. With an {@link IdShift}, the merged tree is chowned
     * by {@code +hostId} once (metacopy=on: metadata is copied up, data is not), so a
     * user-namespaced container owns its root.
     *
     * @param shift null for no user namespace
     */
    public void mountSnapshot(Image image, Path snapshotDir, Path target, IdShift shift) {
        snapshots.mount(layerDirs(image), snapshotDir, target, shift);
    }

    /**
     * As {@link #mountSnapshot(Image, Path, Path, IdShift)}, for a snapshot thrown away with
     * its container (--rm): never synced to disk, so that unmounting it costs no write-back.
     */
    public void mountThrowAwaySnapshot(Image image, Path snapshotDir, Path target,
            IdShift shift) {
        snapshots.mount(layerDirs(image), snapshotDir, target, shift, true);
    }

    /** Unmounts a snapshot; a target that is not mounted (or missing) is fine. */
    public void unmountSnapshot(Path target) {
        snapshots.unmount(target);
    }

    private Optional<Image> image(String id) {
        return image(id, catalog.tags());
    }

    private Optional<Image> image(String id, Map<String, String> tags) {
        if (!catalog.hasImage(id)) {
            return Optional.empty();
        }
        byte[] blob = blobs.get(id).orElseThrow(() -> new IllegalStateException(
                "image store " + root + " lacks the config blob of image " + id));
        return Optional.of(describe(id, blob, tags));
    }

    private Image describe(String id, byte[] blob, Map<String, String> tags) {
        JsonNode config = readConfig(id, blob);
        List<String> diffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        List<String> repoTags = new ArrayList<>();
        List<String> repoDigests = new ArrayList<>();
        tags.forEach((ref, target) -> {
            if (target.equals(id)) {
                String familiar = Reference.parse(ref).familiar();
                (ref.contains("@") ? repoDigests : repoTags).add(familiar);
            }
        });
        long size = diffIds.stream().mapToLong(layers::size).sum();
        return new Image(id, repoTags, repoDigests, created(config), size,
                imageConfig(config), diffIds, config.path("architecture").asText(""),
                config.path("os").asText(""));
    }

    private static JsonNode readConfig(String id, byte[] blob) {
        try {
            return SpecJson.mapper().readTree(blob);
        } catch (IOException e) {
            throw new IllegalStateException("image " + id + " has a config that is not JSON", e);
        }
    }

    private static ImageConfig imageConfig(JsonNode config) {
        JsonNode node = config.path("config");
        if (!node.isObject()) {
            return ImageConfig.empty();
        }
        try {
            return SpecJson.mapper().treeToValue(node, ImageConfig.class);
        } catch (IOException e) {
            return ImageConfig.empty();
        }
    }

    private static Instant created(JsonNode config) {
        return instant(config.path("created").asText(""));
    }

    private static Instant instant(String text) {
        try {
            return text.isEmpty() ? Instant.EPOCH : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
