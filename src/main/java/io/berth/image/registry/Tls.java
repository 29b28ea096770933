package io.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS as docker does it: the system's CA bundle (Debian's /etc/ssl/certs/ca-certificates.crt,
 * which the JDK's own cacerts does not follow) for registries, and no verification at all for
 * insecure ones, which docker reaches over TLS when they offer it but without checking.
 */
final class Tls {
    static final Path SYSTEM_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");

    private Tls() {
    }

    /** Trusts the certificates of a PEM bundle; the JDK's defaults when there is no bundle. */
    static SSLContext trusting(Path bundle) {
        try {
            if (!Files.isRegularFile(bundle)) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            try (InputStream in = Files.newInputStream(bundle)) {
                for (Certificate c : CertificateFactory.getInstance("X.509")
                        .generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("read CA bundle " + bundle, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("load CA bundle " + bundle + ": " + e.getMessage(), e);
        }
    }

    /** Accepts any certificate for any name: for registries the user named insecure. */
    static SSLContext unverified() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("make TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * A context that makes the real one only when a connection first needs TLS. Making one
     * costs a cold CLI about 0.1 s of class loading and set-up, and a pull from an insecure
     * registry that speaks plain HTTP never needs it. Give the HTTP client {@link #parameters()}
     * with it, or the client asks it for its defaults at once.
     */
    static SSLContext lazy(java.util.function.Supplier<SSLContext> make) {
        return new LazyContext(new LazySpi(make));
    }

    /** No protocols or suites of its own: the real context's defaults apply. */
    static SSLParameters parameters() {
        return new SSLParameters();
    }

    private static final class LazyContext extends SSLContext {
        LazyContext(LazySpi spi) {
            super(spi, null, "TLS");
        }
    }

    private static final class LazySpi extends SSLContextSpi {
        private final java.util.function.Supplier<SSLContext> make;
        private volatile SSLContext real;

        LazySpi(java.util.function.Supplier<SSLContext> make) {
            this.make = make;
        }

        private SSLContext real() {
            SSLContext made = real;
            if (made == null) {
                synchronized (this) {
                    if (real == null) {
                        real = make.get();
                    }
                    made = real;
                }
            }
            return made;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
            throw new UnsupportedOperationException("a lazy TLS context is made initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return real().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return real().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return real().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return real().getSupportedSSLParameters();
        }
    }

    /**
     * An extended trust manager, since JSSE checks host names itself around a plain one; this
     * one checks neither chain nor name.
     */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
