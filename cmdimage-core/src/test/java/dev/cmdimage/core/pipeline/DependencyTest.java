package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.RegistryHosting;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEHAVIOUR.md section 4 step 1 and section 3: ImageMaps and the cluster must be ready. */
class DependencyTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    @Test
    void aMissingImageMapIsNotReady() {
        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").imageMaps("base").build()).build()))
                .isInstanceOfSatisfying(DependencyNotReadyException.class,
                        e -> assertThat(e.dependency()).isEqualTo("ImageMap/base"))
                .hasMessage("missing image map base");
        assertThat(f.runner.runs()).isEmpty();
        assertThat(f.listener.stepSequence()).containsExactly("+validate", "=validate", "+resolve", "!resolve");
        assertThat(f.listener.statuses()).hasSize(1);
        assertThat(f.listener.statuses().get(0).completedState().orElseThrow().error())
                .isEqualTo("missing image map base");
    }

    @Test
    void anImageMapWithoutImageIsNotReady() {
        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").imageMaps("ok", "base").build())
                .imageMap(ImageMap.of("ok", "ok").withStatus(ImageMap.Status.of("ok:1")))
                .imageMap(ImageMap.of("base", "base")).build()))
                .isInstanceOf(DependencyNotReadyException.class)
                .hasMessage("missing image map base");
    }

    @Test
    void aClusterWithAnErrorIsNotReady() {
        Cluster broken = new Cluster(ObjectMeta.named("default"), Cluster.Spec.EMPTY,
                new Cluster.Status(RegistryHosting.of("localhost:5000"), null, "connection refused", null));

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).cluster(broken).build()))
                .isInstanceOfSatisfying(DependencyNotReadyException.class,
                        e -> assertThat(e.dependency()).isEqualTo("Cluster/default"))
                .hasMessage("cluster not ready: connection refused");
        assertThat(f.runner.runs()).isEmpty();
    }

    @Test
    void theDefaultRegistryAppliesWhenTheClusterReportsNone() throws Exception {
        Cluster cluster = new Cluster(ObjectMeta.named("default"),
                new Cluster.Spec(RegistryHosting.of("registry.example.com/team"), null), Cluster.Status.EMPTY);

        var result = f.builder().build(f.request(Fixture.spec("app").build()).cluster(cluster)
                .clusterSharesImageStore(true).build());

        assertThat(result.localRef()).isEqualTo("registry.example.com/team/app:" + Fixture.CONTENT_TAG);
    }
}
