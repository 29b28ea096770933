package io.berth.image.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * How Berth reaches registries: over HTTPS with the system's CAs, except for insecure ones,
 * which are tried over HTTPS without verification and then plain HTTP (docker's rule): any
 * registry on 127.0.0.0/8 or ::1, {@code localhost}, and those named with
 * {@code --insecure-registry} (a host, a host:port or a CIDR of literal addresses). Host names
 * are never resolved to decide this, so no name is looked up just to pick a scheme.
 */
public final class Registries {
    static final String DOCKER_HUB = "docker.io";
    private static final String DOCKER_HUB_HOST = "registry-1.docker.io";

    private final AuthFile auth;
    private final List<String> insecure;
    private final Clients clients;

    /** @param insecure entries of {@code --insecure-registry}: host, host:port or CIDR */
    public Registries(AuthFile auth, List<String> insecure) {
        this(auth, insecure, Tls.SYSTEM_BUNDLE);
    }

    /** @param caBundle the PEM file of CAs that registries' certificates must chain to */
    public Registries(AuthFile auth, List<String> insecure, Path caBundle) {
        this(auth, insecure, new Clients(caBundle));
    }

    private Registries(AuthFile auth, List<String> insecure, Clients clients) {
        this.auth = auth;
        this.insecure = List.copyOf(insecure);
        this.clients = clients;
    }

    /**
     * The two HTTP clients, each made on first use: reading the CA bundle and making a client
     * take a good part of a second, which a pull from a loopback registry need not pay for
     * the verifying one.
     */
    private static final class Clients {
        private final Path caBundle;
        private HttpClient verified;
        private HttpClient unverified;

        Clients(Path caBundle) {
            this.caBundle = caBundle;
        }

        synchronized HttpClient verified() {
            if (verified == null) {
                verified = http(Tls.lazy(() -> Tls.trusting(caBundle)));
            }
            return verified;
        }

        synchronized HttpClient unverified() {
            if (unverified == null) {
                unverified = http(Tls.lazy(Tls::unverified));
            }
            return unverified;
        }

        private static HttpClient http(SSLContext tls) {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).sslContext(tls)
                    .sslParameters(Tls.parameters())
                    .connectTimeout(Duration.ofSeconds(30)).build();
        }
    }

    /** The same credentials, CAs and HTTP clients with more insecure registries. */
    public Registries withInsecure(List<String> more) {
        List<String> all = new java.util.ArrayList<>(insecure);
        all.addAll(more);
        return new Registries(auth, all, clients);
    }

    /** The credentials file. */
    public AuthFile auth() {
        return auth;
    }

    /** A client for one registry ({@code docker.io}, {@code host:port}). */
    public RegistryClient client(String domain) {
        return client(domain, auth.find(domain).orElse(null));
    }

    /** A client for one registry with these credentials instead of stored ones (login). */
    public RegistryClient client(String domain, AuthFile.Credential credential) {
        String host = domain.equals(DOCKER_HUB) ? DOCKER_HUB_HOST : domain;
        boolean plain = isInsecure(domain);
        return new RegistryClient(domain, host, plain ? clients.unverified()
                : clients.verified(), credential, plain);
    }

    /** True when {@code domain} may be reached over plain HTTP. */
    public boolean isInsecure(String domain) {
        String host = hostOf(domain);
        if (host.equalsIgnoreCase("localhost") || inLoopback(host)) {
            return true;
        }
        for (String entry : insecure) {
            String e = entry.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "");
            if (e.equals(domain.toLowerCase(Locale.ROOT)) || e.equals(host.toLowerCase(Locale.ROOT))
                    || (e.contains("/") && inCidr(host, e))) {
                return true;
            }
        }
        return false;
    }

    private static String hostOf(String domain) {
        if (domain.startsWith("[")) {
            return domain.substring(1, domain.indexOf(']'));
        }
        int colon = domain.lastIndexOf(':');
        return colon < 0 ? domain : domain.substring(0, colon);
    }

    private static boolean inLoopback(String host) {
        return inCidr(host, "127.0.0.0/8") || host.equals("::1");
    }

    /** Only literal addresses match a CIDR; a name is not looked up. */
    private static boolean inCidr(String host, String cidr) {
        byte[] address = literal(host);
        int slash = cidr.indexOf('/');
        byte[] network = literal(cidr.substring(0, slash));
        if (address == null || network == null || address.length != network.length) {
            return false;
        }
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        for (int i = 0; i < bits && i < address.length * 8; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] literal(String host) {
        boolean v4 = host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = host.contains(":") && host.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
