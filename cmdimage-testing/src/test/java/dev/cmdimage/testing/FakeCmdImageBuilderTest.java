package dev.cmdimage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.CommandFailedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeCmdImageBuilderTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    final FakeCmdImageBuilder builder = new FakeCmdImageBuilder(TestClock.fixed());
    final RecordingBuildListener listener = new RecordingBuildListener();

    @AfterEach
    void close() {
        builder.close();
    }

    static BuildRequest.Builder request(String name) {
        return BuildRequest.builder(CmdImage.of(name, CmdImageSpec.builder().ref("example.com/" + name)
                .args("make", name).build()));
    }

    @Test
    void anUnscriptedNameSucceedsWithANewTagEachBuild() throws Exception {
        BuildResult first = builder.build(request("app").build());
        BuildResult second = builder.build(request("app").build());

        assertThat(first.localRef()).isEqualTo("example.com/app:tilt-0000000000000001");
        assertThat(second.localRef()).isEqualTo("example.com/app:tilt-0000000000000002");
        assertThat(first.status().isSucceeded()).isTrue();
        assertThat(first.imageMapStatus().imageFromLocal()).isEqualTo(first.localRef());
    }

    @Test
    void aScriptedResultCarriesTheBuildsReasonAndTimes() throws Exception {
        builder.succeed("app", BuildOutcomes.result("localhost:5000/app:tilt-0123456789abcdef")
                .clusterRef("registry:5000/app:tilt-0123456789abcdef").pushedDigest("sha256:" + "a".repeat(64)));

        BuildResult result = builder.build(request("app").reason("files changed: a.go").build());

        assertThat(result.localRef()).isEqualTo("localhost:5000/app:tilt-0123456789abcdef");
        assertThat(result.clusterRef()).isEqualTo("registry:5000/app:tilt-0123456789abcdef");
        assertThat(result.imageMapStatus().image()).isEqualTo("registry:5000/app:tilt-0123456789abcdef");
        assertThat(result.pushedDigest()).isEqualTo("sha256:" + "a".repeat(64));
        CmdImageStatus.Completed done = result.status().completedState().orElseThrow();
        assertThat(done.reason()).isEqualTo("files changed: a.go");
        assertThat(done.startedAt().instant()).isEqualTo(TestClock.DEFAULT_START);
    }

    @Test
    void aScriptedFailureIsThrownWithItsFinalStatus() {
        CommandFailedException failure = BuildOutcomes.commandFailed("make app", 2, "error: no rule");
        builder.fail("app", failure);

        assertThatThrownBy(() -> builder.build(request("app").build())).isSameAs(failure);
        CmdImageStatus status = failure.status().orElseThrow();
        assertThat(status.completedState().orElseThrow().error()).isEqualTo(failure.getMessage());
        assertThat(status.isSucceeded()).isFalse();
    }

    @Test
    void theListenerHearsBuildingThenCompleted() throws Exception {
        builder.build(request("app").listener(listener).build());

        assertThat(listener.statuses()).hasSize(2);
        assertThat(listener.statuses().get(0).buildingState()).isPresent();
        assertThat(listener.statuses().get(1).completedState()).isPresent();
    }

    @Test
    void theListenerHearsTheFinalStatusBeforeTheResultCompletes() throws Exception {
        builder.block("app");
        List<Boolean> resultDone = new java.util.concurrent.CopyOnWriteArrayList<>();
        BuildHandle handle = builder.start(request("app").listener(new dev.cmdimage.api.BuildListener() {
            @Override
            public void statusChanged(String name, CmdImageStatus status) {
                if (status.completedState().isPresent()) {
                    resultDone.add(builder.builds("app").get(0).result().isDone());
                }
            }
        }).build());

        builder.awaitBuild("app", 0, WAIT).release();

        assertThat(handle.finalStatus()).succeedsWithin(WAIT);
        assertThat(resultDone).as("result() done when the listener heard completed").containsExactly(false);
    }

    @Test
    void cancelEndsABlockedBuildWithBuildCancelled() throws Exception {
        builder.block("app");
        BuildHandle handle = builder.start(request("app").build());
        assertThat(handle.currentStatus().buildingState()).isPresent();

        handle.cancel();

        CmdImageStatus status = handle.finalStatus().get(10, TimeUnit.SECONDS);
        assertThat(status.completedState().orElseThrow().error()).isEqualTo("build cancelled");
        assertThat(handle.result()).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(BuildCancelledException.class);
        assertThat(builder.builds("app").get(0).cancelRequested()).isTrue();
    }

    @Test
    void cancellingTheResultFutureCancelsTheBuild() throws Exception {
        builder.block("app");
        BuildHandle handle = builder.start(request("app").build());

        handle.result().cancel(true);

        assertThat(handle.finalStatus().get(10, TimeUnit.SECONDS).completedState().orElseThrow().error())
                .isEqualTo("build cancelled");
    }

    @Test
    void aBlockedBuildEndsWhenTheTestSaysSo() throws Exception {
        builder.block("app");
        BuildHandle handle = builder.start(request("app").build());
        FakeCmdImageBuilder.Build build = builder.awaitBuild("app", 0, WAIT);

        assertThat(handle.result()).isNotDone();
        build.succeed(BuildOutcomes.result("app:v1"));

        assertThat(handle.result().get(10, TimeUnit.SECONDS).localRef()).isEqualTo("app:v1");
        assertThat(handle.finalStatus()).isDone();
        build.cancel();
        assertThat(handle.finalStatus().get().isSucceeded()).isTrue();
    }

    @Test
    void theFinalStatusCompletesAfterTheResult() throws Exception {
        BuildHandle handle = builder.start(request("app").build());
        List<Boolean> resultDoneWhenStatusCompleted = new java.util.concurrent.CopyOnWriteArrayList<>();
        handle.finalStatus().thenRun(() -> resultDoneWhenStatusCompleted.add(handle.result().isDone()));

        handle.finalStatus().get(10, TimeUnit.SECONDS);
        assertThat(handle.stopped()).succeedsWithin(WAIT);
        assertThat(resultDoneWhenStatusCompleted).containsExactly(true);
    }

    @Test
    void closeCancelsWhatRunsAndLaterBuildsThrow() throws Exception {
        builder.block("app");
        BuildHandle handle = builder.start(request("app").build());

        builder.close();

        assertThat(handle.finalStatus().get(10, TimeUnit.SECONDS).completedState().orElseThrow().error())
                .isEqualTo("build cancelled");
        assertThatThrownBy(() -> builder.start(request("app").build())).isInstanceOf(IllegalStateException.class)
                .hasMessage("the builder is closed");
    }

    @Test
    void interruptingBuildCancelsIt() throws Exception {
        builder.block("app");
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> builder.build(request("app").build())).isInstanceOf(BuildCancelledException.class);
        assertThat(Thread.interrupted()).isTrue();
        assertThat(builder.builds("app").get(0).finalStatus()).isDone();
    }

    @Test
    void itRecordsEveryRequestInOrder() throws Exception {
        builder.build(request("a").build());
        builder.build(request("b").build());

        assertThat(builder.requests()).extracting(BuildRequest::name).containsExactly("a", "b");
    }
}
