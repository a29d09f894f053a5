package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Registries with their own CA" example, run against the mutual-TLS registry of
 * scripts/services.d/tls.sh, and checked to be the very text the README shows.
 */
class ReadmeTlsExampleIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theExamplePushesToARegistryWithItsOwnCaThatWantsAClientCertificate(@TempDir Path tmp) throws Exception {
        TlsServices.require();
        TestLayout layout = new TestLayout(tmp.resolve("layout"));
        TestLayout.Image image = layout.image("amd64");
        ImageRef ref = ImageRef.parse(TlsServices.MTLS_REGISTRY + "/cmdimage-readme/" + UUID.randomUUID()
                .toString().substring(0, 8) + ":v1");
        layout.entry(image.descriptor(), ref.familiarString());

        RegistryHttpPusher pusher = example(new OciLayoutStore(layout.root, "amd64"), TlsServices.MTLS_REGISTRY,
                TlsServices.CA, TlsServices.CLIENT_CERT, TlsServices.CLIENT_KEY);

        assertThat(pusher.push(ref, line -> {}, Cancellation.never())).isEqualTo(image.digest());
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/cmdimage/core/oci/ReadmeTlsExampleIT.java"));
        String snippet = between(source, "// README-BEGIN\n", "        // README-END");
        String readme = Files.readString(REPO.resolve("README.md"));
        String section = between(readme, "## Registries with their own CA\n", "\n## ");
        assertThat(linesStripped(section)).contains(linesStripped(snippet));
    }

    private static RegistryHttpPusher example(OciLayoutStore store, String registry, Path companyCa,
            Path clientCert, Path clientKey) {
        // README-BEGIN
        RegistryHttpPusher pusher = RegistryHttpPusher.builder(store)
                .caCertificates(companyCa)                          // trusted for every registry
                .clientCertificate(registry, clientCert, clientKey) // offered to this one (host or host:port)
                .build();
        // README-END
        return pusher;
    }

    private static String linesStripped(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }

    private static String between(String text, String begin, String end) {
        int from = text.indexOf(begin);
        assertThat(from).as("\"" + begin.strip() + "\" in the text").isNotNegative();
        from += begin.length();
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
    }
}
