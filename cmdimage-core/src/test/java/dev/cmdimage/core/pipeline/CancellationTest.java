package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.core.testing.FakeProcessRunner.Script;
import dev.cmdimage.testing.RecordingBuildListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEHAVIOUR.md section 7: cancelled builds end {@code completed} with {@code build cancelled}, never stuck. */
class CancellationTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
        f.runner = new FakeProcessRunner(Script.untilCancelled());
    }

    @Test
    void cancelKillsTheRunAndTheBuildEndsCancelled() throws Exception {
        BuildHandle handle = f.builder().start(f.request(Fixture.spec("app").build()).build());
        assertThat(f.runner.awaitStarted(Duration.ofSeconds(10))).isTrue();
        assertThat(handle.currentStatus().buildingState()).isPresent();

        handle.cancel();

        CmdImageStatus status = handle.finalStatus().get(10, TimeUnit.SECONDS);
        assertThat(status.completedState().orElseThrow().error()).isEqualTo("build cancelled");
        assertThat(status.ref()).isNull();
        assertThatThrownBy(() -> handle.result().join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isExactlyInstanceOf(BuildCancelledException.class)
                .hasMessage("build cancelled");
        assertThat(f.listener.stepSequence()).endsWith("+run", "!run");
        assertThat(f.listener.stepEvent(RecordingBuildListener.Kind.STEP_FAILED, BuildStep.RUN).text())
                .isEqualTo("build cancelled");
        assertThat(f.listener.statuses().get(f.listener.statuses().size() - 1)).isEqualTo(status);
        assertThat(f.store.imageCalls()).isZero();
    }

    @Test
    void interruptingBuildCancelsItAndKeepsTheInterruptFlag() throws Exception {
        CmdImageBuilder builder = f.builder();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptFlag = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                builder.build(f.request(Fixture.spec("app").build()).build());
            } catch (Throwable t) {
                thrown.set(t);
            }
            interruptFlag.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertThat(f.runner.awaitStarted(Duration.ofSeconds(10))).isTrue();

        caller.interrupt();
        caller.join(10_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isExactlyInstanceOf(BuildCancelledException.class).hasMessage("build cancelled");
        assertThat(((BuildCancelledException) thrown.get()).status().orElseThrow().isFailed()).isTrue();
        assertThat(interruptFlag).isTrue();
        assertThat(f.listener.statuses().get(f.listener.statuses().size() - 1).completedState().orElseThrow().error())
                .isEqualTo("build cancelled");
    }

    @Test
    void aPlugInIgnoringCancellationCannotKeepTheBuildBuilding() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch workerDone = new CountDownLatch(1);
        FakeProcessRunner stubborn = new FakeProcessRunner(run -> {
            try {
                release.await(30, TimeUnit.SECONDS); // ignores the cancellation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            f.store.put(run.env("EXPECTED_REF"), Fixture.ID);
            return run.exit(0);
        });
        CmdImageBuilder builder = CmdImages.builder().processRunner(stubborn).imageStore(f.store)
                .registryPusher(f.pusher).clock(f.clock).killGrace(Duration.ZERO)
                .executor(r -> new Thread(() -> {
                    r.run();
                    workerDone.countDown();
                }).start())
                .build();
        BuildHandle handle = builder.start(f.request(Fixture.spec("app").build()).build());
        assertThat(stubborn.awaitStarted(Duration.ofSeconds(10))).isTrue();

        handle.cancel();

        // ended by force after the kill grace plus a margin, while the runner still blocks
        CmdImageStatus status = handle.finalStatus().get(30, TimeUnit.SECONDS);
        assertThat(status.completedState().orElseThrow().error()).isEqualTo("build cancelled");
        int eventsAtEnd = f.listener.events().size();

        release.countDown();
        assertThat(workerDone.await(10, TimeUnit.SECONDS)).isTrue();
        // the late pipeline neither continued to the store nor reported anything after the end
        assertThat(f.store.imageCalls()).isZero();
        assertThat(f.listener.events()).hasSize(eventsAtEnd);
        assertThat(handle.currentStatus()).isEqualTo(status);
    }

    @Test
    void aRunnerIgnoringItsTimeoutCannotKeepTheBuildBuilding() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeProcessRunner stubborn = new FakeProcessRunner(run -> {
            run.stdout("working");
            try {
                release.await(30, TimeUnit.SECONDS); // ignores timeout and cancellation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return run.exit(0);
        });
        CmdImageBuilder builder = CmdImages.builder().processRunner(stubborn).imageStore(f.store)
                .registryPusher(f.pusher).clock(f.clock).killGrace(Duration.ZERO).build();
        try {
            BuildHandle handle = builder.start(f.request(Fixture.spec("app").build())
                    .timeout(Duration.ofMillis(200)).build());

            CmdImageStatus status = handle.finalStatus().get(30, TimeUnit.SECONDS);

            assertThat(status.completedState().orElseThrow().error()).isEqualTo("Custom build \"./build.sh\" timed"
                    + " out after 200ms; its processes were killed\noutput (last 1 line):\n  working");
            assertThatThrownBy(() -> handle.result().join())
                    .cause().isInstanceOf(dev.cmdimage.api.BuildTimeoutException.class);
        } finally {
            release.countDown();
        }
    }

    @Test
    void cancelAfterTheEndDoesNothing() throws Exception {
        f.runner = new FakeProcessRunner(Fixture.tagsExpectedRef(f.store, Fixture.ID));
        BuildHandle handle = f.builder().start(f.request(Fixture.spec("app").build()).build());
        CmdImageStatus status = handle.finalStatus().get(10, TimeUnit.SECONDS);

        handle.cancel();

        assertThat(status.isSucceeded()).isTrue();
        assertThat(handle.currentStatus()).isEqualTo(status);
        assertThat(handle.result().get().status()).isEqualTo(status);
    }

    @Test
    void aRejectingExecutorEndsTheBuildCompleted() throws Exception {
        CmdImageBuilder builder = CmdImages.builder().processRunner(f.runner).imageStore(f.store)
                .executor(r -> {
                    throw new java.util.concurrent.RejectedExecutionException("pool shut down");
                }).build();

        BuildHandle handle = builder.start(f.request(Fixture.spec("app").build()).build());

        assertThat(handle.finalStatus().get(10, TimeUnit.SECONDS).completedState().orElseThrow().error())
                .isEqualTo("The build could not start: the executor rejected it");
        assertThat(f.runner.runs()).isEmpty();
    }
}
