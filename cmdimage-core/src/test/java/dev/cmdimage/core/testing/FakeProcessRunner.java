package dev.cmdimage.core.testing;

import dev.cmdimage.api.StdStream;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessRunner;
import dev.cmdimage.spi.ProcessSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ProcessRunner} that runs no process: each run plays a {@link Script} and records the
 * {@link ProcessSpec} it was given (argv, directory, the complete environment, timeout, kill grace).
 *
 * <pre>{@code
 * FakeProcessRunner runner = FakeProcessRunner.exiting(0, "built");            // every run prints and exits 0
 * FakeProcessRunner runner = new FakeProcessRunner(run -> {                     // a script with side effects
 *     store.put(run.env("EXPECTED_REF"), FakeImageStore.imageId("ab"));
 *     return run.exit(0);
 * });
 * runner.enqueue(Script.exit(1, "boom"));                                      // the next run only
 * }</pre>
 *
 * Scripts queued with {@link #enqueue} run first, one per run; then the default script runs.
 */
public final class FakeProcessRunner implements ProcessRunner {
    /** How long {@link Script#untilCancelled()} waits at most, so that a broken test cannot hang. */
    public static final Duration MAX_BLOCK = Duration.ofSeconds(30);

    private final Script defaultScript;
    private final Deque<Script> queued = new ArrayDeque<>();
    private final List<ProcessSpec> runs = new CopyOnWriteArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);

    /** A runner that plays {@code script} on every run. */
    public FakeProcessRunner(Script script) {
        this.defaultScript = Objects.requireNonNull(script, "script");
    }

    /** A runner whose every run prints {@code stdoutLines} and exits with {@code exitCode}. */
    public static FakeProcessRunner exiting(int exitCode, String... stdoutLines) {
        return new FakeProcessRunner(Script.exit(exitCode, stdoutLines));
    }

    /** Plays {@code script} on the next run not yet claimed by an earlier queued script. */
    public synchronized FakeProcessRunner enqueue(Script script) {
        queued.addLast(Objects.requireNonNull(script, "script"));
        return this;
    }

    /** Every spec run so far, in order. */
    public List<ProcessSpec> runs() {
        return List.copyOf(runs);
    }

    /** The spec of the latest run. */
    public ProcessSpec lastRun() {
        if (runs.isEmpty()) {
            throw new AssertionError("the process runner was never called");
        }
        return runs.get(runs.size() - 1);
    }

    /** Waits (at most {@code timeout}) until a run has started; whether one did. */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public ProcessResult run(ProcessSpec spec, LineConsumer output, Cancellation cancellation) throws IOException {
        Script script;
        synchronized (this) {
            script = queued.isEmpty() ? defaultScript : queued.removeFirst();
        }
        runs.add(spec);
        started.countDown();
        return script.run(new Run(spec, output, cancellation));
    }

    /** What a script does with one run. */
    @FunctionalInterface
    public interface Script {
        /**
         * Plays one run.
         *
         * @throws IOException to act as a command that cannot start
         */
        ProcessResult run(Run run) throws IOException;

        /** Prints {@code stdoutLines}, then exits with {@code exitCode}. */
        static Script exit(int exitCode, String... stdoutLines) {
            return run -> {
                for (String line : stdoutLines) {
                    run.stdout(line);
                }
                return run.exit(exitCode);
            };
        }

        /** Waits until the run is cancelled (at most {@link #MAX_BLOCK}), then ends as cancelled (exit 143). */
        static Script untilCancelled() {
            return run -> {
                CountDownLatch latch = new CountDownLatch(1);
                try (AutoCloseable ignored = run.cancellation().onCancel(latch::countDown)) {
                    if (!latch.await(MAX_BLOCK.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new AssertionError("FakeProcessRunner: not cancelled within " + MAX_BLOCK);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return new ProcessResult(143, ProcessResult.Termination.CANCELLED, List.of(), Duration.ZERO);
            };
        }

        /** Prints {@code stdoutLines}, then ends as a runner does when the timeout ran out (exit 143). */
        static Script timeout(String... stdoutLines) {
            return run -> {
                for (String line : stdoutLines) {
                    run.stdout(line);
                }
                return new ProcessResult(143, ProcessResult.Termination.TIMED_OUT, List.of(stdoutLines),
                        run.spec().timeout() == null ? Duration.ZERO : run.spec().timeout());
            };
        }

        /** Acts as a command that cannot start: throws an {@link IOException} with {@code message}. */
        static Script cannotStart(String message) {
            return run -> {
                throw new IOException(message);
            };
        }

        /** Acts as a broken runner: throws {@code e}. */
        static Script throwing(RuntimeException e) {
            return run -> {
                throw e;
            };
        }
    }

    /**
     * One run as a script sees it.
     *
     * @param spec         what the pipeline asked to run
     * @param output       where lines go
     * @param cancellation the run's cancellation
     */
    public record Run(ProcessSpec spec, LineConsumer output, Cancellation cancellation) {
        /** The value of {@code key} in the command's environment, or {@code null}. */
        public String env(String key) {
            return spec.environment().get(key);
        }

        /** Prints a line on stdout. */
        public void stdout(String line) {
            output.line(StdStream.STDOUT, line);
        }

        /** Prints a line on stderr. */
        public void stderr(String line) {
            output.line(StdStream.STDERR, line);
        }

        /** The result of exiting by itself with {@code exitCode}. */
        public ProcessResult exit(int exitCode) {
            return new ProcessResult(exitCode, ProcessResult.Termination.EXITED, List.of(), Duration.ofMillis(1));
        }
    }
}
