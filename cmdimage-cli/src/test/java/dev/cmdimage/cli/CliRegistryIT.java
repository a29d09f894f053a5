package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.CmdImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar with no Docker engine at all: an image built into an OCI layout is pushed over the registry HTTP
 * API to the loopback registry of {@code scripts/services.sh}, and read back. With {@code CI=true} the test fails
 * when the registry cannot be reached; elsewhere it is skipped.
 */
class CliRegistryIT {
    static final String REGISTRY = TestServices.REGISTRY;
    private static final HttpClient HTTP = TestServices.HTTP;

    @TempDir
    Path tmp;

    @Test
    void anImageInTheOciStoreIsPushedToTheClustersRegistryWithoutAnEngine() throws Exception {
        TestServices.requireRegistry();
        String name = "cli-oci-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path helloOci = JarProcess.REPO.resolve("examples/hello-oci");
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
                """.formatted(REGISTRY, name, helloOci));

        JarProcess run = JarProcess.run(tmp, Map.of("DOCKER_HOST", "unix:///tmp/no-engine-" + UUID.randomUUID()),
                null, "build", "push.yaml");

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.err()).contains("auto: no Docker engine answered");
        CmdImage pushed = CliJarIT.cmdImage(run.out(), "pushed");
        assertThat(pushed.status().ref()).matches(Pattern.quote(REGISTRY + "/" + name) + ":tilt-[0-9a-f]{16}");
        String tag = pushed.status().ref().substring(pushed.status().ref().lastIndexOf(':') + 1);
        HttpResponse<String> manifest = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://" + REGISTRY + "/v2/" + name + "/manifests/" + tag))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
        // the content tag is the config digest's first 16 hex digits: the registry holds that very config
        assertThat(manifest.body()).contains("sha256:" + tag.substring("tilt-".length()));
    }
}
