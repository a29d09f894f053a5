package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.testing.FakeRegistryPusher;
import dev.cmdimage.testing.RecordingBuildListener;
import dev.cmdimage.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status transitions, timestamps, the result, the ImageMap status and the listener's step pairing. */
class BuildStatusTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
        // the command takes 7.25 seconds on the test clock
        f.runner = new FakeProcessRunner(run -> {
            f.store.put(run.env("EXPECTED_REF"), Fixture.ID);
            f.clock.advance(Duration.ofMillis(7250));
            return run.exit(0);
        });
    }

    @Test
    void aSuccessfulBuildGoesBuildingThenCompletedWithTheContentRef() throws Exception {
        BuildRequest request = f.request(Fixture.spec("app").build())
                .cluster(Fixture.cluster("localhost:5000", "registry:5000", "arm64")).reason("image map base changed")
                .build();

        BuildResult result = f.builder().build(request);

        MicroTime start = MicroTime.of(TestClock.DEFAULT_START);
        MicroTime end = MicroTime.of(TestClock.DEFAULT_START.plusMillis(7250));
        String local = "localhost:5000/app:" + Fixture.CONTENT_TAG;
        String cluster = "registry:5000/app:" + Fixture.CONTENT_TAG;
        assertThat(f.listener.statuses()).containsExactly(
                CmdImageStatus.building("image map base changed", start),
                CmdImageStatus.succeeded(local, "image map base changed", start, end));
        assertThat(result.status()).isEqualTo(CmdImageStatus.succeeded(local, "image map base changed", start, end));
        assertThat(result.status().completedState().orElseThrow().finishedAt().format())
                .isEqualTo("2026-11-26T18:57:57.250000Z");
        assertThat(result.localRef()).isEqualTo(local);
        assertThat(result.clusterRef()).isEqualTo(cluster);
        assertThat(result.imageId()).isEqualTo(Fixture.ID);
        assertThat(f.pusher.pushed()).containsExactly(local);
        assertThat(result.pushedDigest()).isEqualTo(FakeRegistryPusher.DEFAULT_DIGEST);
        assertThat(result.imageMapStatus()).isEqualTo(new ImageMap.Status(cluster, local, cluster, start));
    }

    @Test
    void theStatusRefIsTheFamiliarLocalRef() throws Exception {
        BuildResult result = f.builder().build(f.request(Fixture.spec("docker.io/library/app:1.0").build()).build());

        assertThat(result.status().ref()).isEqualTo("app:" + Fixture.CONTENT_TAG);
        assertThat(result.imageMapStatus().imageFromLocal()).isEqualTo("app:" + Fixture.CONTENT_TAG);
    }

    @Test
    void everyStepIsReportedAsAPairInOrderAndBuildingComesAfterResolve() throws Exception {
        f.builder().build(f.request(Fixture.spec("app").build()).build());

        assertThat(f.listener.unpairedSteps()).isEmpty();
        assertThat(f.listener.stepSequence()).containsExactly(
                "+validate", "=validate", "+resolve", "=resolve", "+prepare", "=prepare", "+run", "=run",
                "+verify", "=verify", "+retag", "=retag", "+push", "=push");
        int resolved = indexOf(f.listener, RecordingBuildListener.Kind.STEP_FINISHED, BuildStep.RESOLVE);
        int prepare = indexOf(f.listener, RecordingBuildListener.Kind.STEP_STARTED, BuildStep.PREPARE);
        RecordingBuildListener.Event between = f.listener.events().get(resolved + 1);
        assertThat(prepare).isEqualTo(resolved + 2);
        assertThat(between.kind()).isEqualTo(RecordingBuildListener.Kind.STATUS);
        assertThat(between.status().buildingState()).isPresent();
        assertThat(between.status().ref()).isNull();
        RecordingBuildListener.Event last = f.listener.events().get(f.listener.events().size() - 1);
        assertThat(last.status().isSucceeded()).isTrue();
        assertThat(f.listener.stepEvent(RecordingBuildListener.Kind.STEP_FINISHED, BuildStep.RUN).took())
                .isEqualTo(Duration.ofMillis(7250));
        assertThat(f.listener.stepEvent(RecordingBuildListener.Kind.STEP_FINISHED, BuildStep.VERIFY).text())
                .isEqualTo("image " + Fixture.ID);
        assertThat(f.listener.stepEvent(RecordingBuildListener.Kind.STEP_STARTED, BuildStep.RUN).text())
                .isEqualTo("running [sh, -c, ./build.sh] in " + dir.toAbsolutePath().normalize());
    }

    @Test
    void anInvalidSpecCompletesWithAllProblemsAndNeverRunsOrGoesBuilding() {
        BuildRequest request = f.request(Fixture.spec("Foo Bar").args(java.util.List.of()).outputMode("x").build())
                .build();

        assertThatThrownBy(() -> f.builder().build(request))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("spec.ref: Invalid value: \"Foo Bar\"")
                .hasMessageContaining("spec.args: Required value")
                .hasMessageContaining("spec.outputMode: Unsupported value: \"x\"");
        assertThat(f.runner.runs()).isEmpty();
        assertThat(f.listener.stepSequence()).containsExactly("+validate", "!validate");
        assertThat(f.listener.statuses()).hasSize(1);
        CmdImageStatus status = f.listener.statuses().get(0);
        assertThat(status.isFailed()).isTrue();
        assertThat(status.ref()).isNull();
        assertThat(status.completedState().orElseThrow().error()).startsWith("CmdImage \"app\" is invalid: ");
        assertThat(status.completedState().orElseThrow().startedAt()).isEqualTo(MicroTime.of(TestClock.DEFAULT_START));
    }

    @Test
    void aFailureCarriesItsFinalStatusAndTheHandleReportsIt() throws Exception {
        f.runner = FakeProcessRunner.exiting(3);
        BuildHandle handle = f.builder().start(f.request(Fixture.spec("app").build()).build());

        CmdImageStatus finalStatus = handle.finalStatus().get(10, TimeUnit.SECONDS);

        assertThat(finalStatus.isFailed()).isTrue();
        assertThat(finalStatus.completedState().orElseThrow().error())
                .isEqualTo("Custom build \"./build.sh\" failed: exit status 3");
        assertThat(finalStatus.completedState().orElseThrow().reason()).isEqualTo("build requested");
        assertThat(handle.currentStatus()).isEqualTo(finalStatus);
        assertThat(handle.name()).isEqualTo("app");
        assertThatThrownBy(() -> handle.result().join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(CmdImageException.class)
                .satisfies(e -> assertThat(((CmdImageException) e).status()).contains(finalStatus));
        assertThat(f.listener.stepSequence()).endsWith("+run", "!run");
        assertThat(f.listener.stepEvent(RecordingBuildListener.Kind.STEP_FAILED, BuildStep.RUN).text())
                .isEqualTo("Custom build \"./build.sh\" failed: exit status 3");
        assertThat(f.listener.unpairedSteps()).isEmpty();
    }

    @Test
    void aFailedBuildHasStartAndFinishTimesAndNoRef() {
        f.runner = new FakeProcessRunner(run -> {
            f.clock.advance(Duration.ofSeconds(2));
            return run.exit(1);
        });

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .isInstanceOfSatisfying(CmdImageException.class, e -> assertThat(e.status()).contains(
                        CmdImageStatus.failed("Custom build \"./build.sh\" failed: exit status 1", "build requested",
                                MicroTime.of(TestClock.DEFAULT_START),
                                MicroTime.of(TestClock.DEFAULT_START.plusSeconds(2)))));
    }

    @Test
    void theFailedBuildsExceptionFromBuildCarriesTheFinalStatus() {
        f.runner = FakeProcessRunner.exiting(1);
        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .isInstanceOf(CmdImageException.class)
                .satisfies(e -> {
                    CmdImageStatus status = ((CmdImageException) e).status().orElseThrow();
                    assertThat(status.isFailed()).isTrue();
                    assertThat(status).isEqualTo(f.listener.statuses().get(f.listener.statuses().size() - 1));
                });
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheBuild() throws Exception {
        RecordingBuildListener recorder = f.listener;
        BuildRequest request = f.request(Fixture.spec("app").build()).listener(new dev.cmdimage.api.BuildListener() {
            @Override
            public void statusChanged(String name, CmdImageStatus status) {
                recorder.statusChanged(name, status);
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void stepStarted(String name, BuildStep step, String detail) {
                throw new IllegalStateException("listener bug");
            }
        }).build();

        BuildResult result = f.builder().build(request);

        assertThat(result.status().isSucceeded()).isTrue();
        assertThat(recorder.statuses()).hasSize(2);
    }

    @Test
    void startReturnsAtOnceAndTheHandleCompletes() throws Exception {
        BuildHandle handle = f.builder().start(f.request(Fixture.spec("app").build()).build());

        BuildResult result = handle.result().get(10, TimeUnit.SECONDS);
        assertThat(handle.finalStatus().get(10, TimeUnit.SECONDS)).isEqualTo(result.status());
        assertThat(handle.currentStatus()).isEqualTo(result.status());
    }

    private static int indexOf(RecordingBuildListener l, RecordingBuildListener.Kind kind, BuildStep step) {
        var events = l.events();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).kind() == kind && events.get(i).step() == step) {
                return i;
            }
        }
        return -1;
    }
}
