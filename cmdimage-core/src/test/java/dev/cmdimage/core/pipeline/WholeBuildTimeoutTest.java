package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.spi.ImageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code BuildRequest.timeout} bounds the whole build, from its start to {@code completed}: every step. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WholeBuildTimeoutTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    @Test
    void aStoreWhoseInspectBlocksForeverEndsTheBuildTimedOut() throws Exception {
        BlockingStore store = new BlockingStore(true);
        CmdImageBuilder builder = CmdImages.builder().processRunner(f.runner).imageStore(store).clock(f.clock)
                .killGrace(Duration.ZERO).build();
        try {
            BuildHandle handle = builder.start(f.request(Fixture.spec("app").build())
                    .timeout(Duration.ofSeconds(3)).build());

            // a hang check, not a timing assertion: without the whole-build timeout this never ends
            CmdImageStatus status = handle.finalStatus().get(20, TimeUnit.SECONDS);

            assertThat(status.completedState().orElseThrow().error()).isEqualTo("Custom build \"./build.sh\" timed"
                    + " out after 3s in step \"verify\" (the timeout covers the whole build)");
            assertThatThrownBy(() -> handle.result().join()).cause()
                    .isInstanceOfSatisfying(BuildTimeoutException.class, e -> {
                        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(3));
                        assertThat(e.command()).isEqualTo("./build.sh");
                    });
            assertThat(store.interrupted.await(10, TimeUnit.SECONDS)).as("the blocked step was interrupted").isTrue();
        } finally {
            store.release.countDown(); // before close(), which would wait for the blocked thread
            builder.close();
        }
    }

    @Test
    void aStepThatHonoursInterruptsStopsAndTheBuildThreadReturns() throws Exception {
        BlockingStore store = new BlockingStore(false);
        try (CmdImageBuilder builder = CmdImages.builder().processRunner(f.runner).imageStore(store).clock(f.clock)
                .build()) {
            BuildHandle handle = builder.start(f.request(Fixture.spec("app").build())
                    .timeout(Duration.ofSeconds(3)).build());

            CmdImageStatus status = handle.finalStatus().get(20, TimeUnit.SECONDS);
            handle.stopped().get(20, TimeUnit.SECONDS);

            assertThat(status.completedState().orElseThrow().error()).contains("timed out after 3s in step \"verify\"");
            assertThat(store.interrupted.getCount()).isZero();
        }
    }

    @Test
    void aPushThatTakesTooLongEndsTheBuildTimedOut() throws Exception {
        AtomicBoolean pushInterrupted = new AtomicBoolean();
        try (CmdImageBuilder builder = CmdImages.builder().processRunner(f.runner).imageStore(f.store)
                .registryPusher((ref, progress, cancellation) -> {
                    try {
                        Thread.sleep(30_000);
                    } catch (InterruptedException e) {
                        pushInterrupted.set(true);
                        Thread.currentThread().interrupt();
                    }
                    return "sha256:" + "e".repeat(64);
                })
                .clock(f.clock).killGrace(Duration.ZERO).build()) {
            BuildHandle handle = builder.start(f.request(Fixture.spec("app").build()).timeout(Duration.ofSeconds(3))
                    .cluster(Fixture.cluster("localhost:5000", null, null)).build());

            CmdImageStatus status = handle.finalStatus().get(20, TimeUnit.SECONDS);
            handle.stopped().get(20, TimeUnit.SECONDS);

            assertThat(status.completedState().orElseThrow().error()).isEqualTo("Custom build \"./build.sh\" timed"
                    + " out after 3s in step \"push\" (the timeout covers the whole build)");
            assertThat(pushInterrupted).isTrue();
        }
    }

    @Test
    void theCommandGetsWhatIsLeftOfTheTimeout() throws Exception {
        try (CmdImageBuilder builder = f.builder()) {
            builder.build(f.request(Fixture.spec("app").build()).timeout(Duration.ofMinutes(10)).build());

            assertThat(f.runner.lastRun().timeout()).isPositive().isLessThan(Duration.ofMinutes(10));
        }
    }

    /** A store whose inspect blocks until released; {@code ignoreInterrupts} keeps it blocked through interrupts. */
    private static final class BlockingStore implements ImageStore {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        private final boolean ignoreInterrupts;

        BlockingStore(boolean ignoreInterrupts) {
            this.ignoreInterrupts = ignoreInterrupts;
        }

        @Override
        public String description() {
            return "blocking store";
        }

        @Override
        public Optional<String> inspect(ImageRef ref, String arch) {
            while (true) {
                try {
                    release.await();
                    return Optional.empty();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    if (!ignoreInterrupts) {
                        Thread.currentThread().interrupt();
                        return Optional.empty();
                    }
                }
            }
        }

        @Override
        public void tag(String imageId, ImageRef ref) {
        }

        @Override
        public Map<String, String> commandEnvironment() {
            return Map.of();
        }
    }
}
