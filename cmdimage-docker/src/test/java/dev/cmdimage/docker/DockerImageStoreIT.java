package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.testing.RequiresDocker;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class DockerImageStoreIT {
    @TempDir
    Path tmp;
    DockerEngine engine;
    DockerImageStore store;
    String repo = "127.0.0.1:5000/cmdimage-it/store-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() {
        engine = TestServices.engine();
        store = new DockerImageStore(engine);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            TestServices.dockerRmi(repo + ":built", repo + ":retagged");
            engine.close();
        }
    }

    @Test
    void commandEnvironmentPointsTheCommandAtTheSameEngine() {
        assertThat(store.commandEnvironment()).isEqualTo(Map.of("DOCKER_HOST", TestServices.DOCKER_HOST));
        assertThat(store.description()).isEqualTo("Docker engine at " + TestServices.DOCKER_HOST);
    }

    @Test
    void inspectFindsAnImageBuiltByDockerBuildThroughTheStoresEnvironment() throws Exception {
        String id = TestServices.dockerBuild(store.commandEnvironment(), TestServices.uniqueContext(tmp.resolve("ctx")),
                repo + ":built");
        assertThat(id).matches("sha256:[0-9a-f]{64}");

        assertThat(store.inspect(ImageRef.parse(repo + ":built"), null)).contains(id);
        assertThat(store.inspect(ImageRef.parse(repo + ":built"), "amd64")).contains(id);
    }

    @Test
    void tagByImageIdMakesTheNewRefNameTheSameImage() throws Exception {
        String id = TestServices.dockerBuild(store.commandEnvironment(), TestServices.uniqueContext(tmp.resolve("ctx")),
                repo + ":built");
        ImageRef retagged = ImageRef.parse(repo + ":retagged");
        assertThat(store.inspect(retagged, null)).isEmpty();

        store.tag(id, retagged);

        assertThat(store.inspect(retagged, null)).contains(id);
        // the tag replaces what the ref named before
        String other = TestServices.dockerBuild(store.commandEnvironment(),
                TestServices.uniqueContext(tmp.resolve("ctx2")), repo + ":built");
        store.tag(other, retagged);
        assertThat(store.inspect(retagged, null)).contains(other);
    }

    @Test
    void aMissingImageIsEmptyNotAnError() throws Exception {
        assertThat(store.inspect(ImageRef.parse(repo + ":nope"), null)).isEqualTo(Optional.empty());
        // same repository name as an existing image, other tag: still missing (exact ref, no list-and-filter)
        TestServices.dockerBuild(store.commandEnvironment(), TestServices.uniqueContext(tmp.resolve("ctx")),
                repo + ":built");
        assertThat(store.inspect(ImageRef.parse(repo + ":other"), null)).isEmpty();
    }

    @Test
    void taggingAnImageIdTheEngineDoesNotHaveIsAnError() {
        String noSuchId = "sha256:" + "ab".repeat(32);
        assertThatThrownBy(() -> store.tag(noSuchId, ImageRef.parse(repo + ":retagged")))
                .isInstanceOf(ImageStoreException.class)
                .hasMessageContaining(noSuchId)
                .hasMessageContaining(TestServices.DOCKER_HOST);
    }

    @Test
    void theApiVersionIsNegotiatedNotPinnedAboveTheEngine() throws Exception {
        TestServices.Run v = TestServices.run(Map.of("DOCKER_HOST", TestServices.DOCKER_HOST), tmp,
                "docker", "version", "--format", "{{.Server.APIVersion}}");
        String engineApi = v.output().trim();
        String used = engine.apiVersion();
        assertThat(compare(used, engineApi)).isLessThanOrEqualTo(0);
        assertThat(compare(used, DockerEngine.CLIENT_MAX_API_VERSION)).isLessThanOrEqualTo(0);
        assertThat(used).isEqualTo(compare(engineApi, DockerEngine.CLIENT_MAX_API_VERSION) < 0 ? engineApi
                : DockerEngine.CLIENT_MAX_API_VERSION);
    }

    private static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }

}
