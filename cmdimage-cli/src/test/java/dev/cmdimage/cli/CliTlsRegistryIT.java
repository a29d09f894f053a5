package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.CmdImage;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar pushing from an OCI layout to the TLS registries of scripts/services.d/tls.sh, whose certificates
 * come from a throwaway CA: trusted with {@code --registry-ca}, refused without it, and mutual TLS with
 * {@code --registry-cert}. With {@code CI=true} the tests fail when the registries cannot be reached.
 */
class CliTlsRegistryIT {
    static final Path TLS_DIR = Path.of(TestServices.env("CMDIMAGE_TEST_TLS_DIR", "/run/cmdimage-test/tls"));
    static final String TLS_REGISTRY = TestServices.env("CMDIMAGE_TEST_TLS_REGISTRY", "127.0.0.1:5443");
    static final String MTLS_REGISTRY = TestServices.env("CMDIMAGE_TEST_MTLS_REGISTRY", "127.0.0.1:5444");
    static final Path CA = TLS_DIR.resolve("ca.pem");

    @TempDir
    Path tmp;

    @BeforeEach
    void requireTlsRegistry() {
        int status;
        try {
            status = trustingCa().send(HttpRequest.newBuilder(URI.create("https://" + TLS_REGISTRY + "/v2/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            status = -1;
        }
        TestServices.require(status == 200, "the TLS registry at " + TLS_REGISTRY + " (CA " + CA
                + ") does not answer");
    }

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

    /** Builds examples/hello-oci into oci:layout and pushes it to {@code registry}; returns the CmdImage. */
    JarProcess build(String registry, String name, String... options) throws Exception {
        Files.writeString(tmp.resolve("push.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: Cluster
                metadata:
                  name: default
                status:
                  registry:
                    host: %s
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: pushed
                spec:
                  ref: %s
                  dir: %s
                  args: ["sh", "build.sh"]
                """.formatted(registry, name, JarProcess.REPO.resolve("examples/hello-oci")));
        List<String> args = new ArrayList<>(List.of("build", "--image-store", "oci:layout"));
        args.addAll(List.of(options));
        args.add("push.yaml");
        return JarProcess.run(tmp, Map.of(), null, args.toArray(String[]::new));
    }

    static String servedManifest(String ref) throws Exception {
        int slash = ref.indexOf('/');
        int colon = ref.lastIndexOf(':');
        HttpResponse<String> r = trustingCa().send(HttpRequest.newBuilder(URI.create("https://"
                        + ref.substring(0, slash) + "/v2/" + ref.substring(slash + 1, colon) + "/manifests/"
                        + ref.substring(colon + 1)))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void registryCaMakesThePushTrustTheRegistrysCa() throws Exception {
        String name = "cli-tls-it-" + UUID.randomUUID().toString().substring(0, 8);

        JarProcess run = build(TLS_REGISTRY, name, "--registry-ca", CA.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        CmdImage pushed = CliJarIT.cmdImage(run.out(), "pushed");
        assertThat(pushed.status().ref()).matches(Pattern.quote(TLS_REGISTRY + "/" + name) + ":tilt-[0-9a-f]{16}");
        String tag = pushed.status().ref().substring(pushed.status().ref().lastIndexOf(':') + 1);
        assertThat(servedManifest(pushed.status().ref())).contains("sha256:" + tag.substring("tilt-".length()));
    }

    @Test
    void withoutRegistryCaTheBuildFailsSayingWhatToDo() throws Exception {
        String name = "cli-tls-it-" + UUID.randomUUID().toString().substring(0, 8);

        JarProcess run = build(TLS_REGISTRY, name);

        assertThat(run.exit()).as(run.toString()).isNotEqualTo(0);
        assertThat(CliJarIT.cmdImage(run.out(), "pushed").status().completedState().orElseThrow().error())
                .contains("TLS failed talking to " + TLS_REGISTRY)
                .contains("untrusted issuer")
                .contains("--registry-ca FILE");
    }

    @Test
    void registryCertGivesTheClientCertificateAMutualTlsRegistryRequires() throws Exception {
        String name = "cli-mtls-it-" + UUID.randomUUID().toString().substring(0, 8);
        String cert = MTLS_REGISTRY + "=" + TLS_DIR.resolve("client.pem") + "," + TLS_DIR.resolve("client-key.pem");

        JarProcess without = build(MTLS_REGISTRY, name, "--registry-ca", CA.toString());
        JarProcess with = build(MTLS_REGISTRY, name, "--registry-ca", CA.toString(), "--registry-cert", cert);

        assertThat(CliJarIT.cmdImage(without.out(), "pushed").status().completedState().orElseThrow().error())
                // the alert (bad_certificate), or with TLS 1.3 a connection closed after the handshake
                .containsPattern("requires a client certificate and none was offered|if the registry requires a"
                        + " client certificate \\(mutual TLS\\), none was offered")
                .contains("--registry-cert " + MTLS_REGISTRY + "=CERT,KEY");
        assertThat(with.exit()).as(with.toString()).isEqualTo(0);
        assertThat(CliJarIT.cmdImage(with.out(), "pushed").status().ref()).startsWith(MTLS_REGISTRY + "/" + name);
    }
}
