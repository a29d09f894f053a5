package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.testing.FakeClusterLoader;
import dev.cmdimage.testing.RecordingBuildListener;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEHAVIOUR.md section 4 step 12, clusters without a registry: loaded when a loader serves the product, never pushed
 * to the ref's own registry when the cluster is a local one.
 */
class ClusterLoadTest {
    static final String LOCAL = "app:" + Fixture.CONTENT_TAG;

    @TempDir
    Path dir;
    Fixture f;
    final FakeClusterLoader loader = new FakeClusterLoader("kind", "k3s");

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    static Cluster cluster(String product, String context, RegistryHosting registry) {
        return new Cluster(ObjectMeta.named("default"), Cluster.Spec.EMPTY, new Cluster.Status(registry, "amd64", null,
                Map.of("connection", Map.of("kubernetes", Map.of("product", product, "context", context)))));
    }

    private CmdImageBuilder builder(boolean withLoader) {
        CmdImages.Builder b = CmdImages.builder().processRunner(f.runner).imageStore(f.store).registryPusher(f.pusher)
                .clock(f.clock).killGrace(f.killGrace);
        return (withLoader ? b.clusterImageLoader(loader) : b).build();
    }

    private BuildResult build(CmdImageBuilder builder, Cluster cluster) throws Exception {
        try (builder) {
            return builder.build(f.request(Fixture.spec("app").build()).cluster(cluster).build());
        }
    }

    @Test
    void aKindClusterWithoutARegistryIsLoadedIntoInsteadOfPushedTo() throws Exception {
        loader.progress("Image: \"app:tilt-0123456789abcdef\" with ID \"sha256:01...\" not yet present on node");

        BuildResult result = build(builder(true), cluster("kind", "kind-dev", null));

        assertThat(loader.loaded()).containsExactly(LOCAL + " -> kind-dev");
        assertThat(f.pusher.pushed()).isEmpty();
        assertThat(result.pushedDigest()).isNull();
        assertThat(result.clusterRef()).isEqualTo(LOCAL);
        assertThat(result.imageMapStatus().image()).isEqualTo(LOCAL);
        assertThat(f.listener.logs()).containsSubsequence(
                "Loading " + LOCAL + " into kind-dev (kind) instead of pushing it (the cluster kind-dev (kind) has no"
                        + " registry: loading the image into its own image store)",
                "Image: \"app:tilt-0123456789abcdef\" with ID \"sha256:01...\" not yet present on node",
                "loaded into kind-dev (kind) as docker.io/library/" + LOCAL);
        assertThat(f.listener.stepEvent(RecordingBuildListener.Kind.STEP_FINISHED, BuildStep.PUSH).text())
                .isEqualTo("loaded into kind-dev (kind) as docker.io/library/" + LOCAL);
    }

    /** The bug of issue 12: old main pushed {@code app} to docker.io/library/app for a kind cluster. */
    @Test
    void aLocalClusterWithoutARegistryOrALoaderFailsBeforeRunningAndIsNeverPushed() {
        assertThatThrownBy(() -> build(builder(false), cluster("kind", "kind-dev", null)))
                .isInstanceOfSatisfying(ClusterLoadException.class, e -> {
                    assertThat(e.cluster()).isEqualTo("kind-dev");
                    assertThat(e.product()).isEqualTo("kind");
                })
                .hasMessage("the cluster kind-dev (kind) has no registry, and no cluster image loader serves kind"
                        + " clusters (CmdImages.builder().clusterImageLoader(...), e.g. ClusterToolLoader for kind,"
                        + " k3d, minikube, k3s, microk8s and containerd); cmdimage does not push a local cluster's"
                        + " image to the image's own registry. Give the cluster a registry (status.registry or"
                        + " spec.defaultRegistry) or a loader");
        assertThat(f.pusher.pushed()).isEmpty();
        assertThat(f.runner.runs()).isEmpty();
        assertThat(f.listener.stepSequence()).containsExactly("+validate", "!validate");
    }

    @Test
    void everyLocalProductWithoutALoaderIsRefused() {
        for (String product : new String[] {"k3d", "minikube", "microk8s", "docker-desktop", "rancher-desktop",
                "colima", "orbstack"}) {
            assertThatThrownBy(() -> build(builder(true), cluster(product, "ctx", null)))
                    .as(product).isInstanceOf(ClusterLoadException.class)
                    .hasMessageStartingWith("the cluster ctx (" + product + ") has no registry, and no cluster"
                            + " image loader serves " + product + " clusters");
        }
        assertThat(f.pusher.pushed()).isEmpty();
        assertThat(loader.loaded()).isEmpty();
    }

    @Test
    void aLocalClusterWithARegistryIsPushedToIt() throws Exception {
        BuildResult result = build(builder(true), cluster("kind", "kind-dev",
                new RegistryHosting("localhost:5000", null, null, null, null)));

        assertThat(loader.loaded()).isEmpty();
        assertThat(f.pusher.pushed()).containsExactly("localhost:5000/" + LOCAL);
        assertThat(result.pushedDigest()).isNotNull();
    }

    @Test
    void aRemoteClusterWithoutARegistryStillPushesToTheRefsRegistry() throws Exception {
        build(builder(true), cluster("gke", "gke_project_zone_name", null));

        assertThat(loader.loaded()).isEmpty();
        assertThat(f.pusher.pushed()).containsExactly(LOCAL);
    }

    @Test
    void aClusterSharingTheImageStoreIsNeitherLoadedNorPushed() throws Exception {
        try (CmdImageBuilder builder = builder(true)) {
            builder.build(f.request(Fixture.spec("app").build()).cluster(cluster("kind", "kind-dev", null))
                    .clusterSharesImageStore(true).build());
        }

        assertThat(loader.loaded()).isEmpty();
        assertThat(f.pusher.pushed()).isEmpty();
    }

    @Test
    void aBaseImageIsNotLoaded() throws Exception {
        try (CmdImageBuilder builder = builder(true)) {
            builder.build(f.request(Fixture.spec("app").clusterNeeds("base-image").build())
                    .cluster(cluster("kind", "kind-dev", null)).build());
        }

        assertThat(loader.loaded()).isEmpty();
    }

    @Test
    void aLoadFailureFailsTheBuildWithTheLoadersWordsAndTheTools() {
        loader.fail("ERROR: no nodes found for cluster \"dev\"");

        assertThatThrownBy(() -> build(builder(true), cluster("kind", "kind-dev", null)))
                .isInstanceOfSatisfying(ClusterLoadException.class, e -> {
                    assertThat(e.cluster()).isEqualTo("kind-dev");
                    assertThat(e.ref()).isEqualTo(LOCAL);
                    assertThat(e.toolOutput()).containsExactly("ERROR: no nodes found for cluster \"dev\"");
                })
                .hasMessage("kind load into kind-dev: ERROR: no nodes found for cluster \"dev\"");
        assertThat(f.listener.statuses().get(f.listener.statuses().size() - 1).completedState().orElseThrow()
                .error()).isEqualTo("kind load into kind-dev: ERROR: no nodes found for cluster \"dev\"");
        assertThat(f.pusher.pushed()).isEmpty();
    }

    @Test
    void aRefFileBuildIsNeitherLoadedNorRefused() throws Exception {
        CmdImageSpec spec = Fixture.spec("app").outputsImageRefTo(dir.resolve("ref.txt").toString()).build();
        f.runner = new dev.cmdimage.core.testing.FakeProcessRunner(run -> {
            java.nio.file.Files.writeString(dir.resolve("ref.txt"), "app:built");
            f.store.put("app:built", Fixture.ID);
            return run.exit(0);
        });
        try (CmdImageBuilder builder = builder(false)) {
            builder.build(f.request(spec).cluster(cluster("kind", "kind-dev", null)).build());
        }

        assertThat(f.pusher.pushed()).isEmpty();
    }
}
