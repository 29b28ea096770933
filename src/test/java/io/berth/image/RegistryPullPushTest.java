package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.image.registry.AuthFile;
import io.berth.image.registry.Registries;
import io.berth.image.registry.RegistryClient;
import io.berth.image.registry.RegistryException;
import io.berth.spec.SpecJson;
import io.berth.sys.Sys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pulls from and pushes to Debian's docker-registry, started on 127.0.0.1 by each test. */
@Tag("privileged")
class RegistryPullPushTest {
    static final String OCI_ID = ImageStoreLoadTest.OCI_ID;
    static final String DIFF_ID = ImageStoreLoadTest.DIFF_ID;
    static final String GZIP_BLOB =
            "sha256:5d06538b67b6ce9db44bc731f926ab89a9ed391472b4cec9d06cafd3a7e85dd9";

    private Scratch scratch;
    private ImageStore store;
    private LocalRegistry registry;
    private Registries registries;

    @BeforeEach
    void setUp() throws IOException {
        scratch = new Scratch();
        store = new ImageStore(scratch.resolve("store"), Sys.linux());
        registries = store.registries();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (registry != null) {
            registry.close();
        }
        scratch.close();
    }

    /** Statuses by layer, and messages, as a terminal would show them. */
    static final class Recorded implements Progress {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final Map<String, List<String>> statuses = new ConcurrentHashMap<>();

        @Override
        public void message(String line) {
            messages.add(line);
        }

        @Override
        public void status(String layer, String status) {
            statuses.computeIfAbsent(layer, k -> new CopyOnWriteArrayList<>()).add(status);
        }
    }

    @Test
    void aPulledImageHasTheLayoutsIdItsTagAndItsRepoDigest() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");
        String name = registry.address() + "/test/busybox:1.0";
        Recorded progress = new Recorded();

        PullResult result = store.pull(name, registries, progress);

        Image image = result.image();
        assertEquals(OCI_ID, image.id());
        assertTrue(result.downloaded());
        assertEquals(List.of(name), image.repoTags());
        assertEquals(List.of(registry.address() + "/test/busybox@" + result.digest()),
                image.repoDigests());
        assertEquals(List.of("Pulling fs layer", "Pull complete"),
                progress.statuses.get(GZIP_BLOB.substring(7, 19)));
        assertTrue(Files.isRegularFile(store.layerDirs(image).getFirst().resolve("bin/busybox")));
        assertEquals(store.find(name).orElseThrow().id(), OCI_ID);
        assertNoStaging();
    }

    @Test
    void aSecondPullFetchesNoLayerAndSaysTheImageIsUpToDate() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");
        String name = registry.address() + "/test/busybox:1.0";
        store.pull(name, registries, Progress.QUIET);
        Recorded progress = new Recorded();

        PullResult again = store.pull(name, registries, progress);

        assertFalse(again.downloaded());
        assertEquals(List.of("Already exists"), progress.statuses.get(GZIP_BLOB.substring(7, 19)));
    }

    @Test
    void aPullByDigestRecordsOnlyTheDigest() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");
        String digest = manifestDigest("test/busybox:1.0");

        Image image = store.pull(registry.address() + "/test/busybox@" + digest, registries,
                Progress.QUIET).image();

        assertEquals(OCI_ID, image.id());
        assertEquals(List.of(), image.repoTags());
        assertEquals(List.of(registry.address() + "/test/busybox@" + digest),
                image.repoDigests());
    }

    @Test
    void aZstdLayerIsPulledToTheSameLayer() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci-zstd"), "test/zstd:1");

        Image image = store.pull(registry.address() + "/test/zstd:1", registries,
                Progress.QUIET).image();

        assertEquals(OCI_ID, image.id());
        assertEquals(List.of(DIFF_ID), image.diffIds());
        assertTrue(Files.isSymbolicLink(store.layerDirs(image).getFirst().resolve("bin/sh")));
    }

    @Test
    void anIndexResolvesToTheBestAmd64VariantSkippingAttestationsAndForeignOnes() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/multi:gzip");
        registry.seed(scratch.copyFixture("busybox-oci-zstd"), "test/multi:zstd");
        String gzip = manifestDigest("test/multi:gzip");
        String zstd = manifestDigest("test/multi:zstd");
        String index = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
                 "manifests":[
                  %s,
                  %s,
                  %s,
                  %s,
                  %s]}""".formatted(
                entry(zstd, "{\"os\":\"unknown\",\"architecture\":\"unknown\"}",
                        "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}"),
                entry(zstd, "{\"os\":\"linux\",\"architecture\":\"arm64\"}", null),
                entry(zstd, "{\"os\":\"linux\",\"architecture\":\"amd64\",\"variant\":\"v9\"}",
                        null),
                entry(zstd, "{\"os\":\"linux\",\"architecture\":\"amd64\"}", null),
                entry(gzip, "{\"os\":\"linux\",\"architecture\":\"amd64\",\"variant\":\"v2\"}",
                        null));
        registries.client(registry.address()).putManifest("test/multi", "all",
                "application/vnd.oci.image.index.v1+json", index.getBytes());
        Recorded progress = new Recorded();

        PullResult result = store.pull(registry.address() + "/test/multi:all", registries,
                progress);

        assertEquals(OCI_ID, result.image().id());
        assertEquals(Set.of(GZIP_BLOB.substring(7, 19)), progress.statuses.keySet());
        assertEquals(RegistryClient.sha256(index.getBytes()), result.digest());
    }

    private static String entry(String digest, String platform, String extra) {
        return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                + digest + "\",\"size\":" + manifestSize(digest) + ",\"platform\":" + platform
                + (extra == null ? "" : "," + extra) + "}";
    }

    private static final Map<String, Integer> SIZES = new ConcurrentHashMap<>();

    private static int manifestSize(String digest) {
        return SIZES.get(digest);
    }

    private String manifestDigest(String name) throws Exception {
        String raw = registry.skopeo("inspect", "--raw", "--tls-verify=false",
                "docker://" + registry.address() + "/" + name);
        byte[] bytes = raw.getBytes();
        String digest = RegistryClient.sha256(bytes);
        SIZES.put(digest, bytes.length);
        return digest;
    }

    @Test
    void aDamagedLayerFailsThePullAndLeavesNothingBehind() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");
        Path data = blobData(GZIP_BLOB);
        byte[] blob = Files.readAllBytes(data);
        blob[blob.length / 2] ^= 0x55;
        Files.write(data, blob);

        assertThrows(ImageFormatException.class, () -> store.pull(registry.address()
                + "/test/busybox:1.0", registries, Progress.QUIET));

        assertEquals(List.of(), store.list());
        assertFalse(Files.exists(scratch.resolve("store/layers/" + DIFF_ID.substring(7))));
        assertNoStaging();
    }

    @Test
    void aLayerLongerThanItsManifestSaysIsCutOffAndLeavesNothingBehind() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");
        Path data = blobData(GZIP_BLOB);
        byte[] blob = Files.readAllBytes(data);
        Files.write(data, java.util.Arrays.copyOf(blob, blob.length + 4096));

        RuntimeException e = assertThrows(RuntimeException.class, () -> store.pull(
                registry.address() + "/test/busybox:1.0", registries, Progress.QUIET));

        assertTrue(String.valueOf(e.getMessage()).contains("longer than its"), e.toString());
        assertEquals(List.of(), store.list());
        assertNoStaging();
    }

    @Test
    void aLayerCutOffByTheNetworkIsFetchedAgain() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");
        Recorded progress = new Recorded();

        try (FlakyProxy proxy = new FlakyProxy(registry.address(), 1)) {
            Image image = store.pull(proxy.address() + "/test/busybox:1.0", registries,
                    progress).image();

            assertEquals(OCI_ID, image.id());
            assertEquals(3, proxy.blobGets.get(), "the config, the cut layer, the layer again");
        }
        assertEquals(List.of("Pulling fs layer", "Retrying in 1 second", "Pull complete"),
                progress.statuses.get(GZIP_BLOB.substring(7, 19)));
        assertNoStaging();
    }

    @Test
    void aLayerCutOffEveryTimeFailsThePullAfterThreeTries() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");

        try (FlakyProxy proxy = new FlakyProxy(registry.address(), 4)) {
            assertThrows(RuntimeException.class, () -> store.pull(proxy.address()
                    + "/test/busybox:1.0", registries, Progress.QUIET));
            assertEquals(4, proxy.blobGets.get(), "the config and three tries of the layer");
        }
        assertEquals(List.of(), store.list());
        assertNoStaging();
    }

    @Test
    void aMissingTagIsTheRegistrysManifestUnknown() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");

        RegistryException e = assertThrows(RegistryException.class, () -> store.pull(
                registry.address() + "/test/busybox:nope", registries, Progress.QUIET));

        assertTrue(e.notFound(), e.getMessage());
        assertTrue(e.getMessage().contains("manifest unknown"), e.getMessage());
    }

    @Test
    void aPasswordRegistryRefusesStrangersAndServesStoredCredentials() throws Exception {
        registry = LocalRegistry.withPassword(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0",
                LocalRegistry.USER + ":" + LocalRegistry.PASSWORD);
        String name = registry.address() + "/test/busybox:1.0";

        RegistryException refused = assertThrows(RegistryException.class,
                () -> store.pull(name, registries, Progress.QUIET));
        assertTrue(refused.unauthorized(), refused.getMessage());

        AuthFile auth = registries.auth();
        auth.save(registry.address(), new AuthFile.Credential(LocalRegistry.USER, "wrong"));
        assertThrows(RegistryException.class,
                () -> store.registries().client(registry.address()).checkLogin());
        auth.save(registry.address(), new AuthFile.Credential(LocalRegistry.USER,
                LocalRegistry.PASSWORD));
        store.registries().client(registry.address()).checkLogin();

        assertEquals(OCI_ID, store.pull(name, store.registries(), Progress.QUIET).image().id());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(scratch.resolve("store/auth.json"))));
    }

    @Test
    void aTokenRegistryIsPulledFromAndPushedToWithABearerTokenForEachScope() throws Exception {
        try (TokenServer tokens = TokenServer.start(scratch.resolve("token"))) {
            registry = LocalRegistry.withTokens(scratch.resolve("registry"), tokens.realm(),
                    tokens.certificatePem);
            registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0",
                    LocalRegistry.USER + ":" + LocalRegistry.PASSWORD);
            String name = registry.address() + "/test/busybox:1.0";
            tokens.requests.clear();

            RegistryException refused = assertThrows(RegistryException.class,
                    () -> store.pull(name, registries, Progress.QUIET));
            assertTrue(refused.unauthorized(), refused.getMessage());
            registries.auth().save(registry.address(), new AuthFile.Credential(
                    LocalRegistry.USER, LocalRegistry.PASSWORD));
            Image image = store.pull(name, store.registries(), Progress.QUIET).image();

            assertEquals(OCI_ID, image.id());
            Map<String, String> asked = tokens.requests.getLast();
            assertEquals(TokenServer.SERVICE, asked.get("service"));
            assertEquals("repository:test/busybox:pull", asked.get("scope"));
            assertEquals(LocalRegistry.USER, asked.get("account"));

            String pushed = registry.address() + "/test/copy:2";
            store.tag(image, pushed);
            store.push(pushed, store.registries(), Progress.QUIET);
            assertEquals("repository:test/copy:pull,push", tokens.requests.getLast()
                    .get("scope"));
            store.registries().client(registry.address()).checkLogin();
        }
    }

    @Test
    void aPushedImageKeepsItsIdAndASecondPushSendsNoLayer() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        Image loaded = store.load(scratch.copyFixture("busybox-docker-archive.tar")).getFirst();
        String name = registry.address() + "/pushed/busybox:v1";
        store.tag(loaded, name);
        Recorded first = new Recorded();

        String digest = store.push(name, registries, first);

        JsonNode manifest = SpecJson.mapper().readTree(registry.skopeo("inspect", "--raw",
                "--tls-verify=false", "docker://" + name));
        assertEquals(loaded.id(), manifest.path("config").path("digest").asText());
        assertEquals(Pusher.DOCKER_MANIFEST, manifest.path("mediaType").asText());
        assertEquals(digest, RegistryClient.sha256(
                registry.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + name)
                        .getBytes()));
        String layer = DIFF_ID.substring(7, 19);
        assertEquals(List.of("Preparing", "Pushing", "Pushed"), first.statuses.get(layer));
        assertTrue(store.find(name).orElseThrow().repoDigests().contains(
                registry.address() + "/pushed/busybox@" + digest));

        Recorded second = new Recorded();
        store.push(name, registries, second);
        assertEquals(List.of("Preparing", "Layer already exists"), second.statuses.get(layer));

        try (Scratch other = new Scratch()) {
            ImageStore fresh = new ImageStore(other.resolve("store"), Sys.linux());
            assertEquals(loaded.id(), fresh.pull(name, fresh.registries(), Progress.QUIET)
                    .image().id());
        }
    }

    @Test
    void aPulledLayerIsMountedFromItsRepositoryInsteadOfUploadedAgain() throws Exception {
        registry = LocalRegistry.open(scratch.resolve("registry"));
        registry.seed(scratch.copyFixture("busybox-oci"), "test/busybox:1.0");
        Image image = store.pull(registry.address() + "/test/busybox:1.0", registries,
                Progress.QUIET).image();
        String copy = registry.address() + "/other/copy:1";
        store.tag(image, copy);
        Recorded progress = new Recorded();

        store.push(copy, registries, progress);

        assertEquals(List.of("Preparing", "Mounted from test/busybox"),
                progress.statuses.get(DIFF_ID.substring(7, 19)));
        JsonNode manifest = SpecJson.mapper().readTree(registry.skopeo("inspect", "--raw",
                "--tls-verify=false", "docker://" + copy));
        assertEquals(GZIP_BLOB, manifest.path("layers").get(0).path("digest").asText());
        try (Scratch other = new Scratch()) {
            ImageStore fresh = new ImageStore(other.resolve("store"), Sys.linux());
            assertEquals(OCI_ID, fresh.pull(copy, fresh.registries(), Progress.QUIET).image()
                    .id());
        }
    }

    @Test
    void pushingAnUntaggedNameIsRefusedBeforeTheRegistryIsAsked() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> store.push(
                "127.0.0.1:1/nothing:here", registries, Progress.QUIET));
    }

    @Test
    void aRegistryThatRefusesTheConnectionIsSaidToRefuseIt() {
        // Port 1 on loopback: nothing listens there, so the kernel refuses at once.
        RegistryException e = assertThrows(RegistryException.class, () -> store.pull(
                "127.0.0.1:1/lib/busybox:1", registries, Progress.QUIET));
        assertEquals("GET manifest 127.0.0.1:1/lib/busybox:1: connect: connection refused",
                e.getMessage());
    }

    private Path blobData(String digest) throws IOException {
        String hex = digest.substring(7);
        return scratch.resolve("registry/data/docker/registry/v2/blobs/sha256/"
                + hex.substring(0, 2) + "/" + hex + "/data");
    }

    private void assertNoStaging() throws IOException {
        Path staging = scratch.resolve("store/staging");
        if (Files.isDirectory(staging)) {
            try (Stream<Path> left = Files.list(staging)) {
                assertEquals(List.of(), left.toList());
            }
        }
    }
}
