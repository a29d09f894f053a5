package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A blob's upload over HTTPS to a {@link StandInRegistry} with a certificate from a throwaway CA. */
class RegistryUploadTlsTest {
    @TempDir
    Path dir;

    StandInRegistry registry;
    TestLayout layout;
    ImageRef ref;
    String layerDigest;

    @BeforeEach
    void setUp() throws Exception {
        Openssl openssl = new Openssl(dir);
        openssl.ca("ca");
        openssl.cert("server", "ca", 2, "subjectAltName=IP:127.0.0.1");
        SSLContext tls;
        try (TlsMaterialTest.TlsServer keys = new TlsMaterialTest.TlsServer(dir, "server")) {
            tls = keys.context;
        }
        registry = new StandInRegistry(tls);
        layout = new TestLayout(dir.resolve("layout"));
        ref = ImageRef.parse(registry.domain() + "/team/app:v1");
        ObjectNode layer = layout.blob(TestLayout.OCI_LAYER, layout.randomBytes(RegistryUploadTest.BLOB + 1));
        layerDigest = layer.get("digest").asText();
        ObjectNode config = layout.blob(TestLayout.OCI_CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\"}"
                .getBytes(StandardCharsets.UTF_8));
        ObjectNode manifest = TestLayout.JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", TestLayout.OCI_MANIFEST);
        manifest.set("config", config);
        manifest.putArray("layers").add(layer);
        layout.entry(layout.blob(TestLayout.OCI_MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8)),
                ref.familiarString());
    }

    @AfterEach
    void tearDown() throws Exception {
        registry.close();
    }

    RegistryHttpPusher pusher() {
        return RegistryHttpPusher.builder(new OciLayoutStore(layout.root, "amd64")).certsDirectories(List.of())
                .caCertificates(dir.resolve("ca.pem")).build();
    }

    @Test
    void theBlobGoesWholeOverTlsWithTheCaGiven() throws Exception {
        pusher().push(ref, line -> {}, Cancellation.never());

        assertThat(registry.uploads).anySatisfy(u -> assertThat(u.digestParameter()).isEqualTo(layerDigest));
        assertThat(registry.uploadBytes).contains((long) RegistryUploadTest.BLOB + 1);
        assertThat(registry.requests).last().asString().startsWith("PUT /v2/team/app/manifests/v1");
    }

    @Test
    void anUploadLocationOnAHostTheCertificateDoesNotNameIsRefused() throws Exception {
        // the certificate names 127.0.0.1 only; the upload is sent to the same server as "localhost"
        registry.uploadOrigin = "https://localhost:" + registry.domain().substring(registry.domain().indexOf(':') + 1);

        assertThatThrownBy(() -> pusher().push(ref, line -> {}, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("TLS failed talking to " + registry.domain()
                        + " (PUT /v2/team/app/blobs/uploads/")
                .hasMessageContaining("wrong host name");
        assertThat(registry.uploads).isEmpty();
    }
}
