package io.berth.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A bearer-token server for docker-registry's {@code auth: token} on 127.0.0.1: it checks basic
 * credentials and answers with a JWT signed by a key keytool made, carrying the certificate in
 * its {@code x5c} header so the registry can check it against its root bundle.
 */
final class TokenServer implements AutoCloseable {
    static final String ISSUER = "berth-test-issuer";
    static final String SERVICE = "berth-registry";
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    private final HttpServer server;
    private final PrivateKey key;
    private final Certificate certificate;
    final Path certificatePem;
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    private TokenServer(Path dir) throws Exception {
        Path keystore = dir.resolve("token.p12");
        certificatePem = dir.resolve("token.pem");
        LocalRegistry.run(List.of("keytool", "-genkeypair", "-keyalg", "RSA", "-keysize",
                "2048", "-alias", "token", "-dname", "CN=berth-test-token", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass",
                new String(STORE_PASSWORD)));
        LocalRegistry.run(List.of("keytool", "-exportcert", "-rfc", "-alias", "token",
                "-keystore", keystore.toString(), "-storepass", new String(STORE_PASSWORD),
                "-file", certificatePem.toString()));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, STORE_PASSWORD);
        }
        key = (PrivateKey) store.getKey("token", STORE_PASSWORD);
        certificate = store.getCertificate("token");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                0);
        server.createContext("/token", this::token);
        server.start();
    }

    static TokenServer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        return new TokenServer(dir);
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        query.put("authorization", basic == null ? "" : basic);
        requests.add(query);
        String expected = "Basic " + Base64.getEncoder().encodeToString((LocalRegistry.USER
                + ":" + LocalRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(basic)) {
            send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":"
                    + "\"bad credentials\"}]}");
            return;
        }
        try {
            send(exchange, 200, "{\"token\":\"" + jwt(query.getOrDefault("scope", "")) + "\"}");
        } catch (Exception e) {
            send(exchange, 500, "{}");
        }
    }

    private String jwt(String scope) throws Exception {
        ObjectNode header = SpecJson.mapper().createObjectNode();
        header.put("typ", "JWT").put("alg", "RS256").putArray("x5c")
                .add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
        long now = System.currentTimeMillis() / 1000;
        ObjectNode claims = SpecJson.mapper().createObjectNode();
        claims.put("iss", ISSUER).put("sub", LocalRegistry.USER).put("aud", SERVICE)
                .put("exp", now + 300).put("nbf", now - 10).put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        for (String one : scope.split(" ")) {
            String[] parts = one.split(":");
            if (parts.length == 3) {
                ObjectNode grant = access.addObject().put("type", parts[0]).put("name", parts[1]);
                ArrayNode actions = grant.putArray("actions");
                for (String action : parts[2].split(",")) {
                    actions.add(action);
                }
            }
        }
        String signingInput = base64Url(json(header)) + "." + base64Url(json(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64Url(rsa.sign());
    }

    private static byte[] json(ObjectNode node) throws IOException {
        return SpecJson.mapper().writer().without(
                com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(node);
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                    StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1),
                    StandardCharsets.UTF_8);
            query.merge(k, v, (a, b) -> a + " " + b);
        }
        return query;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
