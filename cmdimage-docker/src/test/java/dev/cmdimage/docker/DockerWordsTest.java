package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageNotFoundException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.testing.FakeImageStore;
import dev.cmdimage.testing.FakeProcessRunner;
import dev.cmdimage.spi.CredentialsProvider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker store and pusher keep Tilt's words ({@code Could not find image in Docker}, {@code docker push:}) in the
 * errors the pipeline builds around theirs. An engine that is down is enough to see them; no engine needed.
 */
class DockerWordsTest {
    @TempDir
    Path tmp;

    private DockerEngine downEngine() {
        return DockerEngine.builder().host("unix://" + tmp.resolve("no-engine.sock")).environment(Map.of())
                .home(tmp).build();
    }

    private BuildRequest.Builder request() {
        return BuildRequest.builder(CmdImage.of("app", CmdImageSpec.builder().ref("localhost:5000/app")
                .args("true").build())).baseDirectory(tmp).baseEnvironment(Map.of());
    }

    @Test
    void aLookUpThatFailsInTheDockerStoreSaysCouldNotFindImageInDocker() {
        try (DockerEngine down = downEngine()) {
            var builder = CmdImages.builder().processRunner(FakeProcessRunner.exiting(0))
                    .imageStore(new DockerImageStore(down)).build();

            assertThatThrownBy(() -> builder.build(request().build()))
                    .isInstanceOf(ImageNotFoundException.class)
                    .hasMessageStartingWith("Could not find image in Docker. Did your custom_build script tag")
                    .hasMessageContaining(" in Docker engine at unix://" + tmp.resolve("no-engine.sock")
                            + ": Cannot reach the Docker engine at ");
        }
    }

    @Test
    void aPushThatFailsThroughTheDockerPusherSaysDockerPush() {
        FakeImageStore store = new FakeImageStore();
        var runner = new FakeProcessRunner(run -> {
            store.put(run.env("EXPECTED_REF"), FakeImageStore.imageId("ab"));
            return run.exit(0);
        });
        try (DockerEngine down = downEngine()) {
            var builder = CmdImages.builder().processRunner(runner).imageStore(store)
                    .registryPusher(new DockerRegistryPusher(down, CredentialsProvider.ANONYMOUS)).build();
            Cluster cluster = Cluster.of("default", new RegistryHosting("localhost:5000", null, null, null, null),
                    null);

            assertThatThrownBy(() -> builder.build(request().cluster(cluster).build()))
                    .isInstanceOf(PushException.class)
                    .hasMessageStartingWith("docker push: Cannot reach the Docker engine at ");
        }
    }
}
