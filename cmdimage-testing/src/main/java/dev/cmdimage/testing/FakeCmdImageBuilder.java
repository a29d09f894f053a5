package dev.cmdimage.testing;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.internal.FinalStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CmdImageBuilder} that runs nothing, for testing code that <em>uses</em> a builder: each build ends as the
 * test scripted it for the CmdImage's name, and its {@link BuildHandle} behaves as a real one ({@link
 * BuildHandle#cancel()} ends it with {@code build cancelled}, {@code result().cancel(true)} cancels it,
 * {@link BuildHandle#finalStatus()} always completes with {@code completed} after {@link BuildHandle#result()}, a
 * failure's {@link CmdImageException#status()} holds the final status). The request's listener hears the status
 * changes ({@code building}, then {@code completed}). Builds end on the builder's own thread ({@code
 * fake-cmdimage-builder-<n>}), never on the caller's; {@link #close()} cancels what still runs and ends that thread.
 *
 * <pre>{@code
 * FakeCmdImageBuilder builder = new FakeCmdImageBuilder()
 *         .succeed("app", BuildOutcomes.result("localhost:5000/app:tilt-0123456789abcdef"))
 *         .fail("web", BuildOutcomes.commandFailed("make web", 2, "error: no rule"));
 * myCode.deploy(builder);                                   // the code under test
 * assertThat(builder.requests()).extracting(BuildRequest::name).containsExactly("app", "web");
 * }</pre>
 *
 * A name nobody scripted succeeds with {@code <spec.ref>:tilt-<16 hex digits>}, a new tag for each build. A
 * {@linkplain #block blocked} name's builds run until the test ends them ({@link Build#succeed}, {@link Build#fail},
 * {@link Build#release}) or they are cancelled. Thread-safe.
 */
public final class FakeCmdImageBuilder implements CmdImageBuilder {
    /** The error of a cancelled build, as cmdimage's builder says it. */
    public static final String CANCELLED = "build cancelled";
    /** How long {@link #build} waits at most for a blocked build, so that a broken test cannot hang. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private static final AtomicInteger BUILDERS = new AtomicInteger();

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<Build> builds = new ArrayList<>();
    private final AtomicInteger refCounter = new AtomicInteger();
    private final ExecutorService ender;
    private final Clock clock;
    private volatile boolean closed;

    /** A builder whose every build succeeds, timestamped by the system clock. */
    public FakeCmdImageBuilder() {
        this(Clock.systemUTC());
    }

    /** A builder whose every build succeeds, timestamped by {@code clock} (e.g. a {@link TestClock}). */
    public FakeCmdImageBuilder(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        String name = "fake-cmdimage-builder-" + BUILDERS.incrementAndGet();
        this.ender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Builds of {@code name} succeed with {@code result} (times and reason are the build's). */
    public FakeCmdImageBuilder succeed(String name, BuildOutcomes.Result result) {
        script(name).result = Objects.requireNonNull(result, "result");
        script(name).failure = null;
        return this;
    }

    /** Builds of {@code name} succeed with {@code ref}. */
    public FakeCmdImageBuilder succeed(String name, String ref) {
        return succeed(name, BuildOutcomes.result(ref));
    }

    /**
     * Builds of {@code name} fail with {@code failure} (see {@link BuildOutcomes} for each kind). The builder records
     * the final status on it, once: give each build its own exception when a test reads {@code status()} of several.
     */
    public FakeCmdImageBuilder fail(String name, CmdImageException failure) {
        script(name).failure = Objects.requireNonNull(failure, "failure");
        return this;
    }

    /** Builds of {@code name} run until the test ends them or they are cancelled. */
    public FakeCmdImageBuilder block(String name) {
        script(name).block = true;
        return this;
    }

    /** Builds of {@code name} started from now on end by themselves again. */
    public FakeCmdImageBuilder unblock(String name) {
        script(name).block = false;
        return this;
    }

    private Script script(String name) {
        return scripts.computeIfAbsent(Objects.requireNonNull(name, "name"), n -> new Script());
    }

    /**
     * Builds and waits for the end (at most {@link #MAX_WAIT}, then it cancels the build and throws an
     * {@link AssertionError}). Interrupting the calling thread cancels the build.
     */
    @Override
    public BuildResult build(BuildRequest request) throws CmdImageException {
        Build build = (Build) start(request);
        try {
            return build.result().get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CmdImageException c) {
                throw c;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            build.cancel();
            Thread.currentThread().interrupt();
            throw FinalStatus.record(new BuildCancelledException(CANCELLED), build.finalStatus().join());
        } catch (TimeoutException e) {
            build.cancel();
            throw new AssertionError("FakeCmdImageBuilder: the build of " + request.name() + " did not end within "
                    + MAX_WAIT + " (blocked and never ended by the test?)");
        }
    }

    @Override
    public BuildHandle start(BuildRequest request) {
        Objects.requireNonNull(request, "request");
        Build build;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the builder is closed");
            }
            build = new Build(request, scripts.get(request.name()));
            builds.add(build);
            notifyAll();
        }
        build.announce();
        if (!build.script.block) {
            ender.execute(build::release);
        }
        return build;
    }

    /** Every request started, in order. */
    public synchronized List<BuildRequest> requests() {
        return builds.stream().map(Build::request).toList();
    }

    /** Every build started, in order. */
    public synchronized List<Build> builds() {
        return List.copyOf(builds);
    }

    /** The builds of {@code name}, in start order. */
    public synchronized List<Build> builds(String name) {
        return builds.stream().filter(b -> b.name().equals(name)).toList();
    }

    /**
     * Waits (at most {@code timeout}) until the {@code index}-th (from 0) build of {@code name} has started.
     *
     * @throws AssertionError when it has not started in time
     */
    public synchronized Build awaitBuild(String name, int index, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Build> of = builds(name);
            if (of.size() > index) {
                return of.get(index);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("build #" + index + " of " + name + " did not start within " + timeout
                        + "; builds: " + builds);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Cancels every build still running and ends the builder's thread. Later builds throw. */
    @Override
    public void close() {
        List<Build> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(builds);
        }
        all.forEach(Build::cancel);
        ender.shutdown();
        try {
            ender.awaitTermination(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private MicroTime now() {
        return MicroTime.of(clock.instant());
    }

    private static final class Script {
        volatile BuildOutcomes.@Nullable Result result;
        volatile @Nullable CmdImageException failure;
        volatile boolean block;
    }

    /** One build of a {@link FakeCmdImageBuilder}: a real {@link BuildHandle}, plus what a test needs. */
    public final class Build implements BuildHandle {
        private final BuildRequest request;
        private final Script script;
        private final MicroTime startedAt;
        private final CompletableFuture<BuildResult> result = new CompletableFuture<>();
        private final CompletableFuture<CmdImageStatus> finalStatus = new CompletableFuture<>();
        private volatile CmdImageStatus current;
        private volatile boolean cancelRequested;
        private boolean ending;

        private Build(BuildRequest request, @Nullable Script script) {
            this.request = request;
            Script s = new Script();
            if (script != null) {
                s.result = script.result;
                s.failure = script.failure;
                s.block = script.block;
            }
            this.script = s;
            this.startedAt = now();
            this.current = CmdImageStatus.building(request.reason(), startedAt);
            // cancelling the future cancels the build, as with cmdimage's builder
            result.whenComplete((r, e) -> {
                if (e instanceof CancellationException) {
                    cancel();
                }
            });
        }

        private void announce() {
            notifyListener(current);
        }

        /** The request this build was started with. */
        public BuildRequest request() {
            return request;
        }

        @Override
        public String name() {
            return request.name();
        }

        /** Whether {@link #cancel()} was called (also through {@code result().cancel(...)} or closing the builder). */
        public boolean cancelRequested() {
            return cancelRequested;
        }

        /** Whether the build has ended. */
        public boolean ended() {
            return finalStatus.isDone();
        }

        /** Ends the build as its name is scripted (success by default). Does nothing when it has ended. */
        public void release() {
            CmdImageException failure = script.failure;
            if (failure != null) {
                fail(failure);
            } else {
                BuildOutcomes.Result r = script.result;
                succeed(r != null ? r : BuildOutcomes.result(defaultRef()));
            }
        }

        /** Ends the build with {@code outcome}. Does nothing when it has ended. */
        public void succeed(BuildOutcomes.Result outcome) {
            end(outcome, null);
        }

        /** Ends the build with {@code failure}. Does nothing when it has ended. */
        public void fail(CmdImageException failure) {
            end(null, Objects.requireNonNull(failure, "failure"));
        }

        /** Ends the build with {@code build cancelled}. Does nothing when it has ended. */
        @Override
        public void cancel() {
            cancelRequested = true;
            end(null, new BuildCancelledException(CANCELLED));
        }

        private String defaultRef() {
            ImageRef ref = ImageRef.parse(request.cmdImage().spec().ref());
            return ref.withTag("tilt-" + String.format("%016x", refCounter.incrementAndGet())).familiarString();
        }

        private void end(BuildOutcomes.@Nullable Result outcome, @Nullable CmdImageException failure) {
            CmdImageStatus status;
            BuildResult success = null;
            synchronized (this) {
                // a cancelled result() future still needs its final status
                if (ending || (result.isDone() && !result.isCancelled())) {
                    return;
                }
                ending = true;
                MicroTime finishedAt = now();
                if (outcome != null) {
                    success = outcome.build(request.reason(), startedAt, finishedAt);
                    status = success.status();
                } else {
                    status = CmdImageStatus.failed(failure.getMessage(), request.reason(), startedAt, finishedAt);
                }
                current = status;
            }
            // as cmdimage's builder: the listener hears the final status first, then result(), then finalStatus()
            notifyListener(status);
            if (success != null) {
                result.complete(success);
            } else {
                result.completeExceptionally(FinalStatus.record(failure, status));
            }
            finalStatus.complete(status);
        }

        private void notifyListener(CmdImageStatus status) {
            BuildListener listener = request.listener();
            try {
                listener.statusChanged(request.name(), status);
            } catch (RuntimeException ignored) {
                // a listener must not break a build, as with cmdimage's builder
            }
        }

        @Override
        public CompletableFuture<BuildResult> result() {
            return result;
        }

        @Override
        public CompletableFuture<CmdImageStatus> finalStatus() {
            return finalStatus;
        }

        @Override
        public CmdImageStatus currentStatus() {
            return current;
        }

        @Override
        public String toString() {
            return "FakeCmdImageBuilder.Build[" + name() + ", " + request.reason() + (ended() ? ", ended" : "") + "]";
        }
    }
}
