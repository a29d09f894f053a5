package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ImageStoreChoice} chooses and says, with no Docker engine: {@code DOCKER_HOST} names a socket that
 * does not exist.
 */
class ImageStoreChoiceTest {
    @TempDir
    Path tmp;

    private final String noEngine = "unix:///tmp/cmdimage-no-engine-" + UUID.randomUUID() + ".sock";
    private final List<String> said = new ArrayList<>();

    private ImageStoreChoice.Builder choice() {
        return ImageStoreChoice.builder().environment(Map.of("DOCKER_HOST", noEngine, "HOME", tmp.toString()))
                .info(said::add);
    }

    @Test
    void autoTakesTheOciLayoutWhenNoEngineAnswersAndSaysWhy() {
        Path layout = tmp.resolve("layout");

        try (ImageStoreChoice.Chosen chosen = choice().build().auto(layout, true)) {
            assertThat(chosen.store()).isInstanceOf(OciLayoutStore.class);
            assertThat(((OciLayoutStore) chosen.store()).directory()).isEqualTo(layout);
            assertThat(chosen.pusher()).isInstanceOf(RegistryHttpPusher.class);
            assertThat(chosen.unusable()).isNull();
            assertThat(chosen.engine()).isNull();
            assertThat(chosen.sharesImageStore().test(null)).isFalse();
        }
        assertThat(said).singleElement().asString()
                .startsWith("image store: OCI image layout at " + layout + " (auto: no Docker engine answered: ")
                .contains(noEngine.substring("unix://".length()));
        assertThat(layout).doesNotExist(); // created when the first image is stored
    }

    @Test
    void autoChoosesNothingWhenNoStoreIsNeeded() {
        Path layout = tmp.resolve("layout");

        assertThat(choice().build().auto(layout, false)).isSameAs(ImageStoreChoice.Chosen.NONE);
        assertThat(said).containsExactly("image store: none needed (every CmdImage has outputMode remote)");
        assertThat(ImageStoreChoice.Chosen.NONE.store()).isNull();
        assertThat(ImageStoreChoice.Chosen.NONE.pusher()).isNull();
    }

    @Test
    void ociIsTheLayoutAskedForWithThePusherConfigured() {
        Path layout = tmp.resolve("asked");

        ImageStoreChoice.Chosen chosen = choice().ociPusher(b -> b.plainHttpHosts(Set.of("registry.internal:5000")))
                .build().oci(layout, "as --image-store oci:asked asks");

        assertThat(((OciLayoutStore) chosen.store()).directory()).isEqualTo(layout);
        assertThat(chosen.pusher().toString()).contains("plainHttpHosts=[registry.internal:5000]");
        assertThat(said).containsExactly("image store: OCI image layout at " + layout
                + " (as --image-store oci:asked asks)");
    }

    @Test
    void dockerSaysWhatItWaitsForAndWhyTheEngineIsUnusable() throws Exception {
        try (ImageStoreChoice.Chosen chosen = choice().build().docker("<imageStore>docker</imageStore>")) {
            assertThat(chosen.store()).isInstanceOf(DockerImageStore.class);
            assertThat(chosen.pusher()).isInstanceOf(DockerRegistryPusher.class);
            assertThat(chosen.pusher().toString()) // from the Docker config of HOME in the environment given
                    .contains("DockerConfigCredentials[" + tmp.resolve(".docker/config.json") + "]");
            assertThat(chosen.engine().host()).isEqualTo(noEngine);
            assertThat(chosen.unusable()).startsWith("Cannot reach the Docker engine at " + noEngine);
            assertThat(said).containsExactly("image store: Docker engine at " + noEngine
                    + " (from DOCKER_HOST, <imageStore>docker</imageStore>); waiting for it to answer (at most 10s to"
                    + " connect and 10s for the answer)",
                    "image store: the Docker engine at " + noEngine + " does not answer: " + chosen.unusable());
        }
        assertThat(tmp).isEmptyDirectory(); // nothing written: no layout, no Docker config
    }

    @Test
    void aStoreComesWithAPusher() {
        assertThatThrownBy(() -> new ImageStoreChoice.Chosen(new OciLayoutStore(tmp), null, null, null, c -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a store needs a pusher, and a pusher a store");
    }
}
