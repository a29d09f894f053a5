package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes over real TLS to the registries of scripts/services.d/tls.sh, whose certificates come from a throwaway CA
 * the JVM does not trust: the CA given on the builder, for one registry, or in a certs.d directory; refused without
 * it and for a host name the certificate does not name; mutual TLS with and without a client certificate. skopeo,
 * an independent client, reads the pushed image back.
 */
class RegistryHttpPusherTlsIT {
    @TempDir
    Path dir;

    TestLayout layout;
    OciLayoutStore store;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void setUp() {
        TlsServices.require();
        layout = new TestLayout(dir.resolve("layout"));
        store = new OciLayoutStore(layout.root, "amd64");
    }

    /** A pusher that reads no certs.d directory of this machine (the tests say which, if any). */
    RegistryHttpPusher.Builder pusher() {
        return RegistryHttpPusher.builder(store).certsDirectories(List.of()).retries(2, Duration.ofMillis(100));
    }

    ImageRef newImage(String registry) {
        TestLayout.Image image = layout.image("amd64");
        ImageRef ref = ImageRef.parse(registry + "/cmdimage-tls/" + UUID.randomUUID().toString().substring(0, 8)
                + ":v1");
        layout.entry(image.descriptor(), ref.familiarString());
        return ref;
    }

    private String layoutDigest(ImageRef ref) throws Exception {
        JsonNode index = TestLayout.JSON.readTree(Files.readAllBytes(layout.root.resolve("index.json")));
        for (JsonNode m : index.path("manifests")) {
            if (m.path("annotations").path("org.opencontainers.image.ref.name").asText().equals(ref.familiarString())) {
                return m.path("digest").asText();
            }
        }
        throw new AssertionError("no " + ref + " in the layout");
    }

    /** The manifest digest the registry serves for the ref, read over HTTPS trusting only the test CA. */
    static String servedDigest(ImageRef ref) throws Exception {
        HttpResponse<byte[]> r = TlsServices.trustingCa().send(HttpRequest.newBuilder(URI.create("https://"
                + ref.domain() + "/v2/" + ref.path() + "/manifests/" + ref.tag())).timeout(Duration.ofSeconds(10))
                .header("Accept", TestLayout.OCI_MANIFEST).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return TestLayout.sha256(r.body());
    }

    @Test
    void aCaGivenForEveryRegistryIsTrustedAndSkopeoReadsTheImageBack() throws Exception {
        ImageRef ref = newImage(TlsServices.TLS_REGISTRY);

        String digest = pusher().caCertificates(TlsServices.CA).build().push(ref, progress::add, Cancellation.never());

        assertThat(digest).isEqualTo(layoutDigest(ref));
        assertThat(progress).anyMatch(l -> l.contains("to https://" + TlsServices.TLS_REGISTRY));
        assertThat(servedDigest(ref)).isEqualTo(digest);
        // skopeo, verifying TLS with a cert dir holding the CA, as an independent client
        Path certDir = Files.createDirectories(dir.resolve("skopeo-certs"));
        Files.copy(TlsServices.CA, certDir.resolve("ca.crt"));
        JsonNode inspected = TestLayout.JSON.readTree(skopeo("inspect", "--cert-dir", certDir.toString(),
                "docker://" + ref.familiarString()));
        assertThat(inspected.path("Digest").asText()).isEqualTo(digest);
    }

    @Test
    void aCaGivenForThisRegistryIsTrusted() throws Exception {
        ImageRef ref = newImage(TlsServices.TLS_REGISTRY);

        String digest = pusher().caCertificates(TlsServices.TLS_REGISTRY, TlsServices.CA).build()
                .push(ref, progress::add, Cancellation.never());

        assertThat(servedDigest(ref)).isEqualTo(digest).isEqualTo(layoutDigest(ref));
    }

    @Test
    void aCaGivenForAnotherRegistryIsNotTrusted() throws Exception {
        ImageRef ref = newImage(TlsServices.TLS_REGISTRY);

        assertThatThrownBy(() -> pusher().caCertificates("registry.example.com", TlsServices.CA).build()
                .push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("untrusted issuer");
    }

    @Test
    void aCaInTheRegistrysCertsDirectoryIsTrusted() throws Exception {
        Path root = dir.resolve("certs.d");
        Path hostDir = Files.createDirectories(root.resolve(TlsServices.TLS_REGISTRY));
        Files.copy(TlsServices.CA, hostDir.resolve("ca.crt"));
        ImageRef ref = newImage(TlsServices.TLS_REGISTRY);

        String digest = pusher().certsDirectories(List.of(dir.resolve("missing"), root)).build()
                .push(ref, progress::add, Cancellation.never());

        assertThat(servedDigest(ref)).isEqualTo(digest).isEqualTo(layoutDigest(ref));
    }

    @Test
    void withoutTheCaThePushIsRefusedNamingTheHostAndWhatToDo() throws Exception {
        ImageRef ref = newImage(TlsServices.TLS_REGISTRY);

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("TLS failed talking to " + TlsServices.TLS_REGISTRY)
                .hasMessageContaining("untrusted issuer (trusted: the JVM's default CAs)")
                .hasMessageContaining("--registry-ca FILE")
                .hasMessageContaining("/etc/docker/certs.d/" + TlsServices.TLS_REGISTRY + "/ca.crt");
    }

    @Test
    void aHostNameTheCertificateDoesNotNameIsRefused() throws Exception {
        // 127.0.0.2 reaches the same registry (through a proxy) but its certificate names 127.0.0.1 and localhost
        try (TcpProxy proxy = new TcpProxy(TlsServices.TLS_REGISTRY, InetAddress.getByName("127.0.0.2"))) {
            ImageRef ref = newImage(proxy.domain());

            assertThatThrownBy(() -> pusher().caCertificates(TlsServices.CA).build()
                    .push(ref, progress::add, Cancellation.never()))
                    .isInstanceOf(PushException.class)
                    .hasMessageContaining("TLS failed talking to " + proxy.domain())
                    .hasMessageContaining("not for the host name 127.0.0.2 (wrong host name");
        }
    }

    @Test
    void mutualTlsWithTheClientCertificateFromTheBuilder() throws Exception {
        ImageRef ref = newImage(TlsServices.MTLS_REGISTRY);

        String digest = pusher().caCertificates(TlsServices.CA)
                .clientCertificate(TlsServices.MTLS_REGISTRY, TlsServices.CLIENT_CERT, TlsServices.CLIENT_KEY)
                .build().push(ref, progress::add, Cancellation.never());

        assertThat(digest).isEqualTo(layoutDigest(ref));
    }

    @Test
    void mutualTlsWithTheClientCertificateFromTheCertsDirectory() throws Exception {
        Path hostDir = Files.createDirectories(dir.resolve("certs.d").resolve(TlsServices.MTLS_REGISTRY));
        Files.copy(TlsServices.CA, hostDir.resolve("ca.crt"));
        Files.copy(TlsServices.CLIENT_CERT, hostDir.resolve("client.cert"));
        Files.copy(TlsServices.CLIENT_KEY, hostDir.resolve("client.key"));
        ImageRef ref = newImage(TlsServices.MTLS_REGISTRY);

        String digest = pusher().certsDirectories(List.of(dir.resolve("certs.d"))).build()
                .push(ref, progress::add, Cancellation.never());

        assertThat(digest).isEqualTo(layoutDigest(ref));
    }

    @Test
    void mutualTlsWithoutAClientCertificateIsRefusedSayingWhatToDo() throws Exception {
        ImageRef ref = newImage(TlsServices.MTLS_REGISTRY);

        assertThatThrownBy(() -> pusher().caCertificates(TlsServices.CA).build()
                .push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("TLS failed talking to " + TlsServices.MTLS_REGISTRY)
                // the alert (bad_certificate), or with TLS 1.3 a connection closed after the handshake
                .hasMessageMatching("(?s).*(requires a client certificate and none was offered|if the registry"
                        + " requires a client certificate \\(mutual TLS\\), none was offered).*")
                .hasMessageContaining("--registry-cert " + TlsServices.MTLS_REGISTRY + "=CERT,KEY");
    }

    static String skopeo(String... args) throws Exception {
        if (!HelloOciExampleTest.onPath("skopeo")) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("skopeo is not installed and CI=true; scripts/services.sh installs it");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "skopeo is not installed");
        }
        List<String> cmd = new ArrayList<>(List.of("skopeo"));
        cmd.addAll(List.of(args));
        return HelloOciExampleTest.exec(cmd.toArray(String[]::new));
    }
}
