package dev.cmdimage.testing;

import dev.cmdimage.api.StdStream;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessRunner;
import dev.cmdimage.spi.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private volatile Script defaultScript;
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

    /** A runner whose every run builds the expected image in {@code store} ({@link Script#tagsExpectedRef}). */
    public static FakeProcessRunner building(FakeImageStore store) {
        return new FakeProcessRunner(Script.tagsExpectedRef(store));
    }

    /** Plays {@code script} on every later run that no queued script claims. */
    public FakeProcessRunner defaultScript(Script script) {
        this.defaultScript = Objects.requireNonNull(script, "script");
        return this;
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

        /**
         * Acts as a command that builds the image the pipeline expects: stores a new image ID (a different one for
         * every run) under {@code $EXPECTED_REF} in {@code store}, prints {@code built <ref>} and exits 0. A run
         * without {@code EXPECTED_REF} (a ref-file build) exits 1, saying so on stderr.
         */
        static Script tagsExpectedRef(FakeImageStore store) {
            Objects.requireNonNull(store, "store");
            return run -> {
                String ref = run.env("EXPECTED_REF");
                if (ref == null) {
                    run.stderr("FakeProcessRunner: EXPECTED_REF is not set (a ref-file build?)");
                    return run.exit(1);
                }
                store.put(ref, store.newImageId());
                run.stdout("built " + ref);
                return run.exit(0);
            };
        }

        /**
         * Acts as a command that writes a one-layer image (one file, {@code /hello.txt} holding {@code content}) into
         * the OCI image layout {@code $EXPECTED_OCI_LAYOUT} and names it {@code $EXPECTED_REF}, as a real build
         * script does for an {@code OciLayoutStore}; see {@link OciTestImages#write}. Exits 1 when either variable is
         * missing.
         */
        static Script writesOciImage(String content) {
            Objects.requireNonNull(content, "content");
            return run -> {
                String layout = run.env("EXPECTED_OCI_LAYOUT");
                String ref = run.env("EXPECTED_REF");
                if (layout == null || ref == null) {
                    run.stderr("FakeProcessRunner: EXPECTED_OCI_LAYOUT and EXPECTED_REF must be set (an OciLayoutStore"
                            + " and a build with an expected ref)");
                    return run.exit(1);
                }
                String imageId = OciTestImages.write(Path.of(layout), ref, content);
                run.stdout("wrote " + ref + " (image ID " + imageId + ")");
                return run.exit(0);
            };
        }

        /**
         * Acts as a command that writes {@code ref} into its ref file ({@code outputsImageRefTo}), given as
         * {@code path} (relative paths resolve against the run's directory), and exits 0.
         */
        static Script writesRefFile(String path, String ref) {
            return run -> {
                run.writeFile(path, ref + "\n");
                return run.exit(0);
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

        /** Writes {@code content} to {@code path} (relative paths resolve against the run's directory). */
        public void writeFile(String path, String content) throws IOException {
            Path file = spec.directory().resolve(path);
            Files.writeString(file, content);
        }

        /** The result of exiting by itself with {@code exitCode}. */
        public ProcessResult exit(int exitCode) {
            return new ProcessResult(exitCode, ProcessResult.Termination.EXITED, List.of(), Duration.ofMillis(1));
        }
    }
}
