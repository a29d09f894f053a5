package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole daemonless build: examples/hello-oci through the pipeline into an OCI layout, verified, content-tagged
 * and pushed over HTTP to the real registry; skopeo reads back the same manifest digest.
 */
class OciBuildAndPushIT {
    @TempDir
    Path dir;

    @Test
    void helloOciIsBuiltVerifiedPushedAndReadBackIdentical() throws Exception {
        TestRegistries.require(TestRegistries.PLAIN);
        OciLayoutStore store = new OciLayoutStore(dir.resolve("oci"));
        var builder = CmdImages.builder().imageStore(store)
                .registryPusher(RegistryHttpPusher.builder(store).build()).build();
        String name = "hello-oci-" + UUID.randomUUID().toString().substring(0, 8);
        CmdImage image = CmdImage.of(name, CmdImageSpec.builder()
                .ref(name)
                .args("sh", "build.sh")
                .dir(HelloOciExampleTest.EXAMPLE.toString())
                .build());

        BuildResult result = builder.build(BuildRequest.builder(image)
                .cluster(Cluster.of("default", RegistryHosting.of(TestRegistries.PLAIN), "amd64"))
                .timeout(Duration.ofMinutes(2))
                .build());

        assertThat(result.localRef()).matches(TestRegistries.PLAIN + "/" + name + ":tilt-[0-9a-f]{16}");
        assertThat(result.imageId()).startsWith("sha256:" + result.localRef().substring(result.localRef()
                .lastIndexOf(":tilt-") + ":tilt-".length()));
        assertThat(result.pushedDigest()).startsWith("sha256:");
        // the image in the layout under its content ref is the one the registry holds
        assertThat(store.inspect(ImageRef.parse(result.localRef()), "amd64")).contains(result.imageId());
        assumeTrue(HelloOciExampleTest.onPath("skopeo"), "skopeo is not installed");
        JsonNode remote = TestLayout.JSON.readTree(HelloOciExampleTest.exec("skopeo", "inspect", "--tls-verify=false",
                "docker://" + result.localRef()));
        JsonNode local = TestLayout.JSON.readTree(HelloOciExampleTest.exec("skopeo", "inspect",
                "oci:" + store.directory() + ":" + result.localRef()));
        assertThat(remote.path("Digest").asText()).isEqualTo(result.pushedDigest());
        assertThat(local.path("Digest").asText()).isEqualTo(result.pushedDigest());
        assertThat(remote.path("Architecture").asText()).isEqualTo("amd64");
    }
}
