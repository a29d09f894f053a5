package dev.cmdimage.testing.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.testing.CmdImageTest;
import dev.cmdimage.testing.TestRegistry;
import org.junit.jupiter.api.Test;

// README-BEGIN wiring
@CmdImageTest(store = CmdImageTest.Store.OCI)
class PushTest {
    @Test
    void pushesTheImageTheCommandBuilt(CmdImageBuilder builder, TestRegistry registry) throws Exception {
        // the builder's FakeProcessRunner plays the command: it writes a one-layer image into the OCI layout
        CmdImage app = CmdImage.of("app", CmdImageSpec.builder().ref("app").args("./build.sh").build());
        Cluster cluster = Cluster.of("default", RegistryHosting.of(registry.host()), "amd64");

        BuildResult result = builder.build(BuildRequest.builder(app).cluster(cluster).build());

        String tag = ImageRef.parse(result.localRef()).tag();
        TestRegistry.Manifest pushed = registry.manifest("app", tag).orElseThrow();
        assertThat(pushed.digest()).isEqualTo(result.pushedDigest());
        assertThat(pushed.json()).contains("\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\"");
        assertThat(registry.tags("app")).containsExactly(tag);
    }
}
// README-END wiring
