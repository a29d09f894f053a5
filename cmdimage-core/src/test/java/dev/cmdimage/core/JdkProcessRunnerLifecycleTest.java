package dev.cmdimage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.core.process.Processes;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessResult.Termination;
import dev.cmdimage.spi.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runner's lifecycle: no shutdown hook unless asked, and {@link JdkProcessRunner#close()}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdkProcessRunnerLifecycleTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    private final String marker = Processes.marker();

    @AfterEach
    void noMarkedProcessLeftBehind() {
        List<String> left = Processes.withMarker(marker);
        Processes.killMarked(marker);
        assertThat(left).as("processes left behind by the test").isEmpty();
    }

    @Test
    void byDefaultNoShutdownHookIsInstalled() throws Exception {
        JdkProcessRunner runner = new JdkProcessRunner();

        ProcessResult result = runner.run(spec("true"), (stream, line) -> { }, Cancellation.never());

        assertThat(result.exitCode()).isZero();
        assertThat(runner.shutdownHookInstalled()).isFalse();
    }

    @Test
    void anAskedForHookIsInstalledWithTheFirstCommandAndRemovedByClose() throws Exception {
        JdkProcessRunner runner = JdkProcessRunner.builder().shutdownHook(true).build();
        assertThat(runner.shutdownHookInstalled()).isFalse();

        runner.run(spec("true"), (stream, line) -> { }, Cancellation.never());
        assertThat(runner.shutdownHookInstalled()).isTrue();

        runner.close();
        assertThat(runner.shutdownHookInstalled()).isFalse();
    }

    @Test
    void closeEndsTheCommandsStillRunningAsCancelled() throws Exception {
        JdkProcessRunner runner = new JdkProcessRunner();
        CompletableFuture<ProcessResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(spec("sleep " + marker + " & wait"), (stream, line) -> { }, Cancellation.never());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r, "test-run").start());
        Processes.awaitSleeping(marker, 1, Duration.ofSeconds(10));

        runner.close();

        ProcessResult result = run.get(20, TimeUnit.SECONDS);
        assertThat(result.termination()).isEqualTo(Termination.CANCELLED);
        assertThat(Processes.withMarker(marker)).isEmpty();
    }

    @Test
    void afterCloseRunSaysTheRunnerIsClosed() {
        JdkProcessRunner runner = new JdkProcessRunner();
        runner.close();
        runner.close();

        assertThatThrownBy(() -> runner.run(spec("true"), (stream, line) -> { }, Cancellation.never()))
                .isInstanceOf(IllegalStateException.class).hasMessage("the process runner is closed");
    }

    private ProcessSpec spec(String script) {
        return new ProcessSpec(List.of("sh", "-c", script), dir, ENV, null, Duration.ofSeconds(1));
    }
}
