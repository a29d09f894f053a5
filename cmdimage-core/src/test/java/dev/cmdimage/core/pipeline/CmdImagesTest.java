package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.testing.FakeProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point's defaults and argument checks. */
class CmdImagesTest {
    @TempDir
    Path dir;

    @Test
    void startedBuildsRunOnDaemonThreadsOfTheBuilder() throws Exception {
        AtomicReference<Thread> thread = new AtomicReference<>();
        FakeProcessRunner runner = new FakeProcessRunner(run -> {
            thread.set(Thread.currentThread());
            return run.exit(0);
        });
        Fixture f = new Fixture(dir);

        CmdImages.builder().processRunner(runner).build()
                .build(f.request(Fixture.spec("app").outputMode("remote").build()).build());

        assertThat(thread.get().isDaemon()).isTrue();
        assertThat(thread.get().getName()).matches("cmdimage-builder-[0-9]+-build-[0-9]+");
        assertThat(thread.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void theDefaultsReachTheCommand() throws Exception {
        FakeProcessRunner runner = FakeProcessRunner.exiting(0);
        Fixture f = new Fixture(dir);

        CmdImages.builder().processRunner(runner).build()
                .build(f.request(Fixture.spec("app").outputMode("remote").build()).build());

        assertThat(runner.lastRun().killGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(runner.lastRun().timeout()).isNull();
    }

    @Test
    void badSettingsAreRefusedAtOnce() {
        assertThatThrownBy(() -> CmdImages.builder().killGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("killGrace");
        assertThatThrownBy(() -> CmdImages.builder().outputTailLines(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outputTailLines");
        assertThatThrownBy(() -> CmdImages.builder().clock(null)).isInstanceOf(NullPointerException.class);
    }
}
