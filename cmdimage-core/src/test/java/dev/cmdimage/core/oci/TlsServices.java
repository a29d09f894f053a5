package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS services of scripts/services.d/tls.sh: a registry over TLS and one requiring client certificates, both
 * with certificates from a throwaway CA. Unreachable: a skip with a hint, or a failure when CI=true.
 */
final class TlsServices {
    static final Path DIR = Path.of(TestRegistries.env("CMDIMAGE_TEST_TLS_DIR", "/run/cmdimage-test/tls"));
    static final String TLS_REGISTRY = TestRegistries.env("CMDIMAGE_TEST_TLS_REGISTRY", "127.0.0.1:5443");
    static final String MTLS_REGISTRY = TestRegistries.env("CMDIMAGE_TEST_MTLS_REGISTRY", "127.0.0.1:5444");
    static final Path CA = DIR.resolve("ca.pem");
    static final Path CLIENT_CERT = DIR.resolve("client.pem");
    static final Path CLIENT_KEY = DIR.resolve("client-key.pem");

    private TlsServices() {}

    /** Fails (CI) or skips (elsewhere) unless the TLS registry answers {@code GET /v2/} over TLS with the CA. */
    static void require() {
        String problem;
        if (!Files.isRegularFile(CA)) {
            problem = "no test CA at " + CA;
        } else {
            try {
                HttpResponse<Void> r = trustingCa().send(HttpRequest.newBuilder(URI.create("https://" + TLS_REGISTRY
                        + "/v2/")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
                problem = "GET /v2/ answered HTTP " + r.statusCode();
            } catch (Exception e) {
                problem = e.toString();
            }
        }
        String message = "TLS test registry " + TLS_REGISTRY + " is not reachable (" + problem + "); start the test"
                + " services with `source scripts/services.sh && services_start`";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        assumeTrue(false, message);
    }

    /** An HTTP client trusting only the test CA: reads back what a push stored. */
    static HttpClient trustingCa() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(CA)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
