package io.berth.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OCI distribution protocol against one registry: manifests and blobs by digest, uploads,
 * and the authentication a registry asks for (anonymous, basic, or a bearer token from the
 * realm its {@code WWW-Authenticate} challenge names, cached per scope). Small documents are
 * checked against their digest here; streamed blobs are checked by the caller as it reads them.
 */
public final class RegistryClient {
    /** Media types asked for when fetching a manifest, indexes included. */
    public static final List<String> MANIFEST_TYPES = List.of(
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final String domain;
    private final String host;
    private final HttpClient http;
    private final AuthFile.Credential credential;
    private final boolean insecure;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private volatile String base;
    private volatile boolean basicAsked;

    RegistryClient(String domain, String host, HttpClient http, AuthFile.Credential credential,
            boolean insecure) {
        this.domain = domain;
        this.host = host;
        this.http = http;
        this.credential = credential;
        this.insecure = insecure;
    }

    /** A manifest or index as the registry holds it, checked against its digest. */
    public record Manifest(byte[] content, String mediaType, String digest) {
    }

    /** The registry as users name it ({@code docker.io}, {@code 127.0.0.1:5000}). */
    public String domain() {
        return domain;
    }

    /**
     * Fetches a manifest by tag or digest. By digest, the content must hash to it; by tag, to the
     * {@code Docker-Content-Digest} the registry sends, if it sends one.
     */
    public Manifest manifest(String repository, String reference) {
        String what = "manifest " + name(repository, reference);
        HttpResponse<InputStream> response = send(what, pull(repository), "GET",
                v2(repository, "manifests", reference), Map.of("Accept",
                        String.join(", ", MANIFEST_TYPES)), HttpRequest.BodyPublishers.noBody());
        if (response.statusCode() == 404) {
            String words = errors(body(response, MAX_ERROR_BODY, what));
            throw new RegistryException("manifest for " + name(repository, reference)
                    + " not found" + (words.isEmpty() ? "" : ": " + words), 404);
        }
        require(response, what);
        byte[] content = body(response, 4 * 1024 * 1024, what);
        String digest = sha256(content);
        String expected = reference.contains(":") ? reference
                : response.headers().firstValue("Docker-Content-Digest").orElse(digest);
        if (expected.startsWith("sha256:") && !expected.equals(digest)) {
            throw new RegistryException(what + ": the registry sent content with digest "
                    + digest + ", not " + expected, 0);
        }
        String type = response.headers().firstValue("Content-Type").orElse("")
                .replaceFirst(";.*", "").strip();
        return new Manifest(content, type, digest);
    }

    /** A small blob (an image config), checked against its digest and size. */
    public byte[] blobBytes(String repository, String digest, long size) {
        String what = "blob " + name(repository, digest);
        if (size > 64L * 1024 * 1024) {
            throw new RegistryException(what + ": " + size + " bytes is too large for a config",
                    0);
        }
        byte[] content;
        try (InputStream in = blob(repository, digest)) {
            content = in.readNBytes((int) size + 1);
        } catch (IOException e) {
            throw new RegistryException("GET " + what + ": " + e.getMessage(), 0, e);
        }
        if (content.length != size || !sha256(content).equals(digest)) {
            throw new RegistryException(what + ": the registry sent " + content.length
                    + " bytes with digest " + sha256(content) + ", not " + size + " bytes with "
                    + digest, 0);
        }
        return content;
    }

    /** The bytes of a blob as they come; the caller checks digest and size as it reads. */
    public InputStream blob(String repository, String digest) {
        String what = "blob " + name(repository, digest);
        HttpResponse<InputStream> response = send(what, pull(repository), "GET",
                v2(repository, "blobs", digest), Map.of(), HttpRequest.BodyPublishers.noBody());
        for (int i = 0; isRedirect(response.statusCode()); i++) {
            if (i == MAX_REDIRECTS) {
                throw new RegistryException("GET " + what + ": too many redirects", 0);
            }
            response = redirected(response, what);
        }
        require(response, what);
        return response.body();
    }

    /** The size of a blob the repository holds, or empty when it holds none. */
    public Optional<Long> blobSize(String repository, String digest, boolean forPush) {
        String what = "blob " + name(repository, digest);
        HttpResponse<InputStream> response = send(what, forPush ? push(repository)
                : pull(repository), "HEAD", v2(repository, "blobs", digest), Map.of(),
                HttpRequest.BodyPublishers.noBody());
        close(response);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        require(response, what);
        return Optional.of(response.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    /**
     * Asks the registry to link a blob that repository {@code from} holds into
     * {@code repository}, without uploading it again. False when the registry would not, for
     * whatever reason (a token without access to {@code from}, say): the caller uploads then.
     */
    public boolean mount(String repository, String digest, String from) {
        String what = "upload of blob " + name(repository, digest);
        URI uri = withQuery(v2(repository, "blobs", "uploads/"), "mount="
                + URLEncoder.encode(digest, StandardCharsets.UTF_8) + "&from="
                + URLEncoder.encode(from, StandardCharsets.UTF_8));
        try {
            HttpResponse<InputStream> response = send(what, push(repository), "POST", uri,
                    Map.of(), HttpRequest.BodyPublishers.noBody());
            close(response);
            if (response.statusCode() == 202) {
                cancel(what, repository, response);
            }
            return response.statusCode() == 201;
        } catch (RegistryException e) {
            return false;
        }
    }

    /** A registry that would not mount started an upload instead; it is not needed. */
    private void cancel(String what, String repository, HttpResponse<InputStream> started) {
        started.headers().firstValue("Location").ifPresent(location -> close(send(what,
                push(repository), "DELETE", started.request().uri().resolve(location),
                Map.of(), HttpRequest.BodyPublishers.noBody())));
    }

    /** Uploads a blob from a file whose digest the caller computed; the registry checks it. */
    public void upload(String repository, String digest, Path file) {
        try {
            upload(repository, digest, HttpRequest.BodyPublishers.ofFile(file));
        } catch (java.io.FileNotFoundException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }

    /** Uploads a small blob (an image config). */
    public void upload(String repository, String digest, byte[] content) {
        upload(repository, digest, HttpRequest.BodyPublishers.ofByteArray(content));
    }

    private void upload(String repository, String digest, HttpRequest.BodyPublisher body) {
        String what = "upload of blob " + name(repository, digest);
        HttpResponse<InputStream> started = send(what, push(repository), "POST",
                v2(repository, "blobs", "uploads/"), Map.of(), HttpRequest.BodyPublishers.noBody());
        require(started, what);
        close(started);
        String location = started.headers().firstValue("Location").orElseThrow(
                () -> new RegistryException(what + ": the registry gave no upload location", 0));
        URI target = withQuery(started.request().uri().resolve(location), "digest=" + digest);
        HttpResponse<InputStream> done = send(what, push(repository), "PUT", target,
                Map.of("Content-Type", "application/octet-stream"), body);
        require(done, what);
        close(done);
    }

    /**
     * Stores a manifest under a tag (or digest) and returns its digest, checked against the one
     * the registry reports.
     */
    public String putManifest(String repository, String reference, String mediaType,
            byte[] content) {
        String what = "manifest " + name(repository, reference);
        HttpResponse<InputStream> response = send(what, push(repository), "PUT",
                v2(repository, "manifests", reference), Map.of("Content-Type", mediaType),
                HttpRequest.BodyPublishers.ofByteArray(content));
        require(response, what);
        close(response);
        String digest = sha256(content);
        String reported = response.headers().firstValue("Docker-Content-Digest").orElse(digest);
        if (!reported.equals(digest)) {
            throw new RegistryException("PUT " + what + ": the registry stored digest "
                    + reported + ", not " + digest, 0);
        }
        return digest;
    }

    /**
     * Checks that the registry accepts this client's credentials (what {@code login} does):
     * {@code GET /v2/}, answering the registry's challenge once.
     *
     * @throws RegistryException when the registry refuses them
     */
    public void checkLogin() {
        String what = "login to " + domain;
        HttpResponse<InputStream> response = send(what, "", "GET", URI.create(base() + "/v2/"),
                Map.of(), HttpRequest.BodyPublishers.noBody());
        close(response);
        require(response, what);
    }

    private HttpResponse<InputStream> send(String what, String scope, String method, URI uri,
            Map<String, String> headers, HttpRequest.BodyPublisher body) {
        HttpResponse<InputStream> response = exchange(what, scope, method, uri, headers, body);
        if (response.statusCode() != 401) {
            return response;
        }
        Optional<String> header = response.headers().firstValue("WWW-Authenticate");
        close(response);
        if (header.isEmpty()) {
            throw new RegistryException(method + " " + what + ": unauthorized", 401);
        }
        answer(Challenge.parse(header.get()), scope, what);
        return exchange(what, scope, method, uri, headers, body);
    }

    private HttpResponse<InputStream> exchange(String what, String scope, String method, URI uri,
            Map<String, String> headers, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, body)
                .header("User-Agent", "berth");
        // The JDK's timeout runs until the answer's headers: a download's body is not under
        // it, but an upload's is, and a layer may take longer than any fixed bound.
        if (!what.startsWith("upload")) {
            request.timeout(REQUEST_TIMEOUT);
        }
        headers.forEach(request::header);
        authorization(scope).ifPresent(a -> request.header("Authorization", a));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException(method + " " + what + ": " + reason(e), 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(method + " " + what + ": interrupted", 0, e);
        }
    }

    private Optional<String> authorization(String scope) {
        String token = tokens.get(scope);
        if (token != null) {
            return Optional.of("Bearer " + token);
        }
        if (basicAsked && credential != null) {
            return Optional.of("Basic " + credential.basic());
        }
        return Optional.empty();
    }

    private void answer(Challenge challenge, String scope, String what) {
        if (challenge.basic()) {
            if (credential == null || basicAsked) {
                throw new RegistryException(what + ": unauthorized: authentication required",
                        401);
            }
            basicAsked = true;
            return;
        }
        if (!challenge.bearer() || challenge.param("realm").isEmpty()) {
            throw new RegistryException(what + ": the registry asks for " + challenge.scheme()
                    + " authentication, which Berth does not speak", 401);
        }
        tokens.put(scope, token(challenge, scope.isEmpty() ? challenge.param("scope") : scope,
                what));
    }

    /** Asks the challenge's realm for a token, with the stored credentials if there are any. */
    private String token(Challenge challenge, String scope, String what) {
        StringBuilder query = new StringBuilder();
        append(query, "service", challenge.param("service"));
        append(query, "scope", scope);
        if (credential != null) {
            append(query, "account", credential.username());
        }
        URI uri = withQuery(URI.create(challenge.param("realm")), query.toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(REQUEST_TIMEOUT)
                .header("User-Agent", "berth");
        if (credential != null) {
            request.header("Authorization", "Basic " + credential.basic());
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException("GET token for " + what + " from " + uri.getHost() + ": "
                    + reason(e), 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("GET token for " + what + ": interrupted", 0, e);
        }
        require(response, "token for " + what);
        JsonNode json = json(body(response, MAX_ERROR_BODY, "token for " + what));
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryException("token for " + what + ": the token server sent none",
                    0);
        }
        return token;
    }

    private static void append(StringBuilder query, String key, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        if (!query.isEmpty()) {
            query.append('&');
        }
        query.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    /** A blob may live elsewhere (a CDN); the credentials of the registry do not go there. */
    private HttpResponse<InputStream> redirected(HttpResponse<InputStream> response,
            String what) {
        close(response);
        String location = response.headers().firstValue("Location").orElseThrow(
                () -> new RegistryException("GET " + what + ": a redirect without Location", 0));
        URI next = response.request().uri().resolve(location);
        HttpRequest.Builder request = HttpRequest.newBuilder(next).GET()
                .header("User-Agent", "berth");
        if (next.getAuthority() != null
                && next.getAuthority().equals(response.request().uri().getAuthority())) {
            response.request().headers().firstValue("Authorization")
                    .ifPresent(a -> request.header("Authorization", a));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException("GET " + what + " from " + next.getHost() + ": "
                    + reason(e), 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("GET " + what + ": interrupted", 0, e);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307
                || status == 308;
    }

    /** Throws the registry's own words for any answer but 2xx. */
    private void require(HttpResponse<InputStream> response, String what) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String method = response.request().method();
        String words = method.equals("HEAD") ? "" : errors(body(response, MAX_ERROR_BODY, what));
        if (words.isEmpty()) {
            words = switch (status) {
                case 401 -> "unauthorized: authentication required";
                case 403 -> "denied: requested access to the resource is denied";
                case 404 -> "not found";
                default -> "HTTP status " + status;
            };
        }
        throw new RegistryException(method + " " + what + ": " + words, status);
    }

    /** The messages of a distribution error body ({@code {"errors":[{"code","message"}]}}). */
    private static String errors(byte[] body) {
        JsonNode json = json(body);
        StringBuilder words = new StringBuilder();
        for (JsonNode error : json.path("errors")) {
            if (!words.isEmpty()) {
                words.append("; ");
            }
            String code = error.path("code").asText("").toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ');
            String message = error.path("message").asText("");
            words.append(code.isEmpty() || code.equals(message) ? message
                    : code + ": " + message);
        }
        return words.toString();
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode node = SpecJson.mapper().readTree(body);
            return node == null ? SpecJson.mapper().createObjectNode() : node;
        } catch (IOException e) {
            return SpecJson.mapper().createObjectNode();
        }
    }

    private static byte[] body(HttpResponse<InputStream> response, int max, String what) {
        try (InputStream in = response.body()) {
            byte[] content = in.readNBytes(max + 1);
            if (content.length > max) {
                throw new RegistryException(what + ": the registry sent more than " + max
                        + " bytes", 0);
            }
            return content;
        } catch (IOException e) {
            throw new RegistryException("read " + what + ": " + reason(e), 0, e);
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // Nothing was wanted from this body; the connection is simply not reused.
        }
    }

    private URI v2(String repository, String kind, String reference) {
        return URI.create(base() + "/v2/" + repository + "/" + kind + "/" + reference);
    }

    /**
     * HTTPS, or for an insecure registry whatever answers: HTTPS first, plain HTTP when no TLS
     * handshake happens (as docker does), decided once per client.
     */
    private String base() {
        String known = base;
        if (known != null) {
            return known;
        }
        String https = "https://" + host;
        if (insecure && !speaksTls(https)) {
            https = "http://" + host;
        }
        base = https;
        return https;
    }

    private boolean speaksTls(String https) {
        try {
            return TlsProbe.speaksTls(https.substring("https://".length()), PROBE_TIMEOUT);
        } catch (IOException | IllegalArgumentException e) {
            return false; // nothing answers: plain HTTP will say so with its own error
        }
    }

    private static URI withQuery(URI uri, String query) {
        if (query.isEmpty()) {
            return uri;
        }
        String text = uri.toString();
        return URI.create(text + (uri.getRawQuery() == null ? "?" : "&") + query);
    }

    private String name(String repository, String reference) {
        return domain + "/" + repository + (reference.contains(":") ? "@" : ":") + reference;
    }

    private static String pull(String repository) {
        return "repository:" + repository + ":pull";
    }

    private static String push(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    private static String reason(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                // The JDK's HttpClient often leaves its ConnectException without a message;
                // a refused connection is what it almost always means, and the words docker
                // users know.
                return connectReason(t);
            }
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String connectReason(Throwable connect) {
        for (Throwable t = connect; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.isBlank()) {
                return "connect: " + message.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return "connect: connection refused";
    }

    /** sha256:HEX of {@code content}. */
    public static String sha256(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
