package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.core.testing.FakeProcessRunner.Script;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The common {@code Future} idiom, waiting a bounded time on {@link BuildHandle#result()} and then cancelling it,
 * cancels the build: its command is stopped and the build ends {@code completed} with {@code build cancelled},
 * instead of running on unseen.
 */
class HandleFuturesTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
        f.runner = new FakeProcessRunner(Script.untilCancelled());
    }

    @Test
    void cancellingTheResultFutureCancelsTheBuild() throws Exception {
        BuildHandle handle = f.builder().start(f.request(Fixture.spec("app").build()).build());
        assertThat(f.runner.awaitStarted(Duration.ofSeconds(10))).isTrue();
        assertThatThrownBy(() -> handle.result().get(50, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

        assertThat(handle.result().cancel(true)).isTrue();

        CmdImageStatus status = handle.finalStatus().get(10, TimeUnit.SECONDS);
        assertThat(status.completedState().orElseThrow().error()).isEqualTo("build cancelled");
        assertThat(handle.currentStatus()).isEqualTo(status);
        assertThat(handle.result().isCancelled()).isTrue();
        assertThat(f.listener.statuses().get(f.listener.statuses().size() - 1)).isEqualTo(status);
        assertThat(f.store.imageCalls()).isZero();
    }

    @Test
    void cancellingTheResultFutureOfAnEndedBuildChangesNothing() throws Exception {
        f.runner = new FakeProcessRunner(Fixture.tagsExpectedRef(f.store, Fixture.ID));
        BuildHandle handle = f.builder().start(f.request(Fixture.spec("app").build()).build());
        CmdImageStatus status = handle.finalStatus().get(10, TimeUnit.SECONDS);

        assertThat(handle.result().cancel(true)).isFalse();

        assertThat(status.isSucceeded()).isTrue();
        assertThat(handle.currentStatus()).isEqualTo(status);
        assertThat(handle.result().join().localRef()).isEqualTo("app:" + Fixture.CONTENT_TAG);
    }
}
