package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.internal.pipeline.PipelineBuilder;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.core.testing.FakeProcessRunner.Script;
import dev.cmdimage.spi.ImageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CmdImageBuilder#close()} and {@link CmdImageController#close()}: what runs is cancelled, the close returns
 * only once the process runner has returned, and the builder's own threads and timers are gone.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BuilderCloseTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    @Test
    void closeCancelsWhatRunsAndReturnsOnceTheRunnerReturned() throws Exception {
        AtomicBoolean runnerReturned = new AtomicBoolean();
        FakeProcessRunner slowToStop = new FakeProcessRunner(run -> {
            try {
                return Script.untilCancelled().run(run);
            } finally {
                sleepQuietly(300); // the processes take a moment to go after the cancel
                runnerReturned.set(true);
            }
        });
        CmdImageBuilder builder = CmdImages.builder().processRunner(slowToStop).imageStore(f.store).clock(f.clock)
                .build();
        BuildHandle handle = builder.start(f.request(Fixture.spec("app").build()).build());
        assertThat(slowToStop.awaitStarted(Duration.ofSeconds(10))).isTrue();

        builder.close();

        assertThat(runnerReturned).as("the runner returned before close() did").isTrue();
        assertThat(handle.finalStatus().getNow(null).completedState().orElseThrow().error())
                .isEqualTo("build cancelled");
        assertThat(handle.stopped()).isDone();
    }

    @Test
    void closeWaitsForARunnerThatOutlivesTheForcedEnd() throws Exception {
        AtomicBoolean runnerReturned = new AtomicBoolean();
        CountDownLatch never = new CountDownLatch(1);
        // ignores the cancellation past the forced end (twice the kill grace 0 plus 5 s), returns after 6.5 s
        FakeProcessRunner stubborn = new FakeProcessRunner(run -> {
            try {
                never.await(6500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runnerReturned.set(true);
            return run.exit(0);
        });
        CmdImageBuilder builder = CmdImages.builder().processRunner(stubborn).imageStore(f.store).clock(f.clock)
                .killGrace(Duration.ZERO).build();
        BuildHandle handle = builder.start(f.request(Fixture.spec("app").build()).build());
        assertThat(stubborn.awaitStarted(Duration.ofSeconds(10))).isTrue();

        builder.close();

        assertThat(handle.finalStatus()).isDone();
        assertThat(runnerReturned).as("the runner returned before close() did").isTrue();
    }

    @Test
    void controllerCloseWaitsForTheRunnerNotOnlyForTheForcedEnd() throws Exception {
        AtomicBoolean runnerReturned = new AtomicBoolean();
        CountDownLatch never = new CountDownLatch(1);
        FakeProcessRunner stubborn = new FakeProcessRunner(run -> {
            try {
                never.await(6500, TimeUnit.MILLISECONDS); // ignores the cancellation past the forced end (5 s)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runnerReturned.set(true);
            return run.exit(0);
        });
        try (CmdImageBuilder builder = CmdImages.builder().processRunner(stubborn).imageStore(f.store)
                .clock(f.clock).killGrace(Duration.ZERO).build()) {
            CmdImageController controller = CmdImageControllers.builder(builder).baseDirectory(dir).build();
            controller.apply(CmdImage.of("app", Fixture.spec("app").build()));
            assertThat(stubborn.awaitStarted(Duration.ofSeconds(10))).isTrue();

            controller.close();

            assertThat(runnerReturned).as("the runner returned before the controller's close() did").isTrue();
            assertThat(threadsNamed("cmdimage-controller-")).isEmpty();
        }
    }

    @Test
    void closeIsBoundedWhenAPlugInNeverStops() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean runnerReturned = new AtomicBoolean();
        FakeProcessRunner deaf = new FakeProcessRunner(run -> {
            while (release.getCount() > 0) {
                try {
                    release.await(); // ignores cancellation and interrupts alike
                } catch (InterruptedException e) {
                    // still deaf
                }
            }
            runnerReturned.set(true);
            return run.exit(0);
        });
        CmdImageBuilder builder = CmdImages.builder().processRunner(deaf).imageStore(f.store).clock(f.clock)
                .killGrace(Duration.ZERO).build();
        try {
            BuildHandle handle = builder.start(f.request(Fixture.spec("app").build()).build());
            assertThat(deaf.awaitStarted(Duration.ofSeconds(10))).isTrue();

            builder.close(); // waits twice the kill grace (0) plus 10 s, then gives up

            assertThat(runnerReturned).isFalse();
            assertThat(handle.finalStatus().getNow(null).completedState().orElseThrow().error())
                    .isEqualTo("build cancelled");
        } finally {
            release.countDown();
        }
    }

    @Test
    void closeInterruptsAStepBlockedInAPlugIn() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch inspecting = new CountDownLatch(1);
        ImageStore blocking = new ImageStore() {
            @Override
            public String description() {
                return "blocking store";
            }

            @Override
            public Optional<String> inspect(ImageRef ref, String arch) {
                inspecting.countDown();
                try {
                    new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    Thread.currentThread().interrupt();
                }
                return Optional.empty();
            }

            @Override
            public void tag(String imageId, ImageRef ref) {
            }

            @Override
            public Map<String, String> commandEnvironment() {
                return Map.of();
            }
        };
        CmdImageBuilder builder = CmdImages.builder().processRunner(f.runner).imageStore(blocking).clock(f.clock)
                .build();
        BuildHandle handle = builder.start(f.request(Fixture.spec("app").build()).build());
        assertThat(inspecting.await(10, TimeUnit.SECONDS)).isTrue();

        builder.close();

        assertThat(interrupted.getCount()).as("the blocked inspect was interrupted").isZero();
        assertThat(handle.finalStatus().getNow(null).completedState().orElseThrow().error())
                .isEqualTo("build cancelled");
        assertThat(handle.stopped()).isDone();
    }

    @Test
    void afterCloseBuildAndStartSaySoAndCloseAgainDoesNothing() throws Exception {
        CmdImageBuilder builder = f.builder();
        builder.close();
        builder.close();

        assertThatThrownBy(() -> builder.start(f.request(Fixture.spec("app").build()).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The CmdImageBuilder is closed: create a new one to build app");
        assertThatThrownBy(() -> builder.build(f.request(Fixture.spec("app").build()).build()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void threadsCarryTheirBuildersNameAndCloseEndsThem() throws Exception {
        AtomicReference<String> firstThread = new AtomicReference<>();
        AtomicReference<String> secondThread = new AtomicReference<>();
        CmdImageBuilder first = builderRecordingThread(firstThread);
        CmdImageBuilder second = builderRecordingThread(secondThread);
        String firstName = name(first);
        String secondName = name(second);

        first.build(f.request(Fixture.spec("app").build()).timeout(Duration.ofMinutes(10)).build());
        second.build(f.request(Fixture.spec("app").build()).timeout(Duration.ofMinutes(10)).build());

        assertThat(firstName).isNotEqualTo(secondName);
        assertThat(firstThread.get()).startsWith(firstName + "-build-");
        assertThat(secondThread.get()).startsWith(secondName + "-build-");
        assertThat(threadsNamed(firstName + "-")).isNotEmpty(); // the idle build thread, the timer thread

        first.close();
        second.close();

        assertThat(threadsNamed(firstName + "-")).isEmpty();
        assertThat(threadsNamed(secondName + "-")).isEmpty();
    }

    @Test
    void aBuildsTimersAreCancelledWhenItEnds() throws Exception {
        try (CmdImageBuilder builder = f.builder()) {
            builder.build(f.request(Fixture.spec("app").build()).timeout(Duration.ofMinutes(10)).build());

            assertThat(((PipelineBuilder) builder).pendingTimers()).isZero();
        }
    }

    @Test
    void aForcedEndCompletesTheFutureOnTheBuildersTimerNotOnTheCommonPool() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeProcessRunner stubborn = new FakeProcessRunner(run -> {
            try {
                release.await(30, TimeUnit.SECONDS); // ignores the cancellation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return run.exit(0);
        });
        CmdImageBuilder builder = CmdImages.builder().processRunner(stubborn).imageStore(f.store).clock(f.clock)
                .killGrace(Duration.ZERO).build();
        try {
            BuildHandle handle = builder.start(f.request(Fixture.spec("app").build()).build());
            assertThat(stubborn.awaitStarted(Duration.ofSeconds(10))).isTrue();
            AtomicReference<String> completedOn = new AtomicReference<>();
            handle.result().whenComplete((r, e) -> completedOn.set(Thread.currentThread().getName()));

            handle.cancel();
            handle.finalStatus().get(30, TimeUnit.SECONDS);

            assertThat(completedOn.get()).isEqualTo(name(builder) + "-timer");
        } finally {
            release.countDown();
            builder.close();
        }
    }

    @Test
    void closeLeavesTheCallersExecutorRunning() throws Exception {
        ExecutorService callers = Executors.newSingleThreadExecutor();
        try {
            CmdImageBuilder builder = CmdImages.builder().processRunner(f.runner).imageStore(f.store)
                    .clock(f.clock).executor(callers).build();
            CmdImageStatus status = builder.start(f.request(Fixture.spec("app").build()).build()).finalStatus()
                    .get(10, TimeUnit.SECONDS);
            assertThat(status.isSucceeded()).isTrue();

            builder.close();

            assertThat(callers.isShutdown()).isFalse();
            assertThat(callers.submit(() -> "still runs").get(10, TimeUnit.SECONDS)).isEqualTo("still runs");
        } finally {
            callers.shutdownNow();
        }
    }

    private CmdImageBuilder builderRecordingThread(AtomicReference<String> thread) {
        FakeProcessRunner recording = new FakeProcessRunner(run -> {
            thread.set(Thread.currentThread().getName());
            return Fixture.tagsExpectedRef(f.store, Fixture.ID).run(run);
        });
        return CmdImages.builder().processRunner(recording).imageStore(f.store).clock(f.clock).build();
    }

    /** The builder's name, {@code cmdimage-builder-<n>}, as its toString shows it. */
    private static String name(CmdImageBuilder builder) {
        String s = builder.toString();
        return s.substring(s.indexOf('[') + 1, s.indexOf(']'));
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
