package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.testing.RecordingBuildListener;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEHAVIOUR.md section 4 step 12: the push decision, rule by rule, and push failures. */
class PushTest {
    static final String LOCAL = "localhost:5000/app:" + Fixture.CONTENT_TAG;

    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    private BuildResult build(CmdImageSpec spec, boolean sharesStore) throws Exception {
        return f.builder().build(f.request(spec).cluster(Fixture.cluster("localhost:5000", null, null))
                .clusterSharesImageStore(sharesStore).build());
    }

    private String pushStepDetail() {
        return f.listener.stepEvent(RecordingBuildListener.Kind.STEP_FINISHED, BuildStep.PUSH).text();
    }

    @Test
    void rule1LocalDockerAndRemoteSkipsBecauseTheCommandPushes() throws Exception {
        BuildResult result = build(Fixture.spec("app").outputMode("local-docker-and-remote")
                .clusterNeeds("push").build(), false);

        assertThat(f.pusher.pushed()).isEmpty();
        assertThat(result.pushedDigest()).isNull();
        assertThat(f.listener.logs()).contains("Not pushing " + LOCAL + ": the command handles push itself");
        assertThat(pushStepDetail()).isEqualTo("skipped: the command handles push itself");
    }

    @Test
    void rule2BaseImageSkips() throws Exception {
        build(Fixture.spec("app").clusterNeeds("base-image").build(), false);

        assertThat(f.pusher.pushed()).isEmpty();
        assertThat(f.listener.logs()).contains("Not pushing " + LOCAL + ": base image does not need deploy");
    }

    @Test
    void rule1WinsOverRule2() throws Exception {
        build(Fixture.spec("app").outputMode("local-docker-and-remote").clusterNeeds("base-image").build(), true);

        assertThat(f.listener.logs()).contains("Not pushing " + LOCAL + ": the command handles push itself");
    }

    @Test
    void rule3ClusterSharingTheImageStoreSkips() throws Exception {
        build(Fixture.spec("app").build(), true);

        assertThat(f.pusher.pushed()).isEmpty();
        assertThat(f.listener.logs())
                .contains("Not pushing " + LOCAL + ": the cluster runs images straight from the image store");
    }

    @Test
    void rule2WinsOverRule3() throws Exception {
        build(Fixture.spec("app").clusterNeeds("base-image").build(), true);

        assertThat(f.listener.logs()).contains("Not pushing " + LOCAL + ": base image does not need deploy");
    }

    @Test
    void rule4OtherwiseThePusherPushesTheLocalRefEvenWhenClusterNeedsIsEmpty() throws Exception {
        f.pusher.progress("layer sha256:aa pushed", "manifest pushed");

        BuildResult result = build(Fixture.spec("app").build(), false);

        assertThat(f.pusher.pushed()).containsExactly(LOCAL);
        assertThat(result.pushedDigest()).isEqualTo("sha256:" + "d".repeat(64));
        assertThat(f.listener.logs()).containsSubsequence(
                "Pushing " + LOCAL + " (the cluster pulls images from a registry)",
                "layer sha256:aa pushed", "manifest pushed");
        assertThat(pushStepDetail()).isEqualTo("pushed sha256:" + "d".repeat(64));
        assertThat(result.status().ref()).isEqualTo(LOCAL);
    }

    @Test
    void aPushFailureFailsTheBuildNamingThePushToTheRegistry() {
        f.pusher.fail(new PushException("localhost:5000/app: unauthorized: authentication required", LOCAL));

        assertThatThrownBy(() -> build(Fixture.spec("app").build(), false))
                .isInstanceOfSatisfying(PushException.class, e -> assertThat(e.ref()).isEqualTo(LOCAL))
                .hasMessage("push to localhost:5000: localhost:5000/app: unauthorized: authentication required");
        assertThat(f.listener.stepSequence()).endsWith("+push", "!push");
        assertThat(f.listener.statuses().get(1).completedState().orElseThrow().error())
                .isEqualTo("push to localhost:5000: localhost:5000/app: unauthorized: authentication required");
    }

    @Test
    void aPushFailureStartsWithThePushersOwnWordsForThePush() {
        f.pusher.describePush("docker push");
        f.pusher.fail(new PushException("localhost:5000/app: unauthorized: authentication required", LOCAL));

        assertThatThrownBy(() -> build(Fixture.spec("app").build(), false))
                .hasMessage("docker push: localhost:5000/app: unauthorized: authentication required");
    }

    @Test
    void aBrokenPusherFailsTheBuildWithASentence() {
        f.pusher.fail(new IllegalStateException("stream closed"));

        assertThatThrownBy(() -> build(Fixture.spec("app").build(), false))
                .isInstanceOf(PushException.class)
                .hasMessage("push to localhost:5000: Unexpected error in the registry pusher while pushing " + LOCAL
                        + ": IllegalStateException: stream closed");
    }

    @Test
    void withoutAPusherABuildThatMustPushFailsBeforeRunning() {
        FakeProcessRunner runner = FakeProcessRunner.exiting(0);
        CmdImageBuilder builder = CmdImages.builder().processRunner(runner).imageStore(f.store).build();

        assertThatThrownBy(() -> builder.build(f.request(Fixture.spec("app").build())
                .cluster(Fixture.cluster("localhost:5000", null, null)).build()))
                .isInstanceOf(PushException.class)
                .hasMessage("this build must push its image (the cluster pulls images from a registry), but no"
                        + " registry pusher is configured (CmdImages.builder().registryPusher(...))");
        assertThat(runner.runs()).isEmpty();
        assertThat(f.listener.stepSequence()).containsExactly("+validate", "!validate");
    }

    @Test
    void withoutAClusterNothingIsPushed() throws Exception {
        BuildResult result = f.builder().build(f.request(Fixture.spec("app").build()).build());

        assertThat(f.pusher.pushed()).isEmpty();
        assertThat(result.pushedDigest()).isNull();
        assertThat(f.listener.logs()).anyMatch(l -> l.contains("no cluster to push for"));
    }

    @Test
    void withoutAPusherABuildThatNeedNotPushSucceeds() throws Exception {
        CmdImageBuilder builder = CmdImages.builder().processRunner(f.runner).imageStore(f.store).clock(f.clock)
                .build();

        BuildResult result = builder.build(f.request(Fixture.spec("app").build()).clusterSharesImageStore(true)
                .build());

        assertThat(result.status().isSucceeded()).isTrue();
    }
}
