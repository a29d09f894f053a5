package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.MicroTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CmdImageBuilder} of {@code dev.cmdimage.core.CmdImages}: runs each build as a {@link BuildRun} on the
 * configured executor and reports it through a {@link BuildExecution}. {@link #build} waits for a started build;
 * interrupting the waiting thread cancels it. The timers of its builds run on a {@link BuildTimers} of its own;
 * {@link #close()} cancels what runs, waits for it to stop, and shuts down what the builder owns.
 */
public final class PipelineBuilder implements CmdImageBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineBuilder.class);
    /** How long past twice the kill grace a cancelled build may take before it is ended regardless. */
    static final Duration CANCEL_MARGIN = Duration.ofSeconds(5);
    /** How long past the stop grace {@link #close()} waits for the builds' threads to return. */
    static final Duration CLOSE_MARGIN = Duration.ofSeconds(5);
    /**
     * Numbers builders for their thread names. Static, but it holds an int and no reference: it pins no class
     * loader and leaves nothing to clean up.
     */
    private static final AtomicInteger IDS = new AtomicInteger();

    /** How long a cancelled build, or a command past its timeout, may take to stop before it is ended regardless. */
    static Duration stopGrace(Duration killGrace) {
        return killGrace.multipliedBy(2).plus(CANCEL_MARGIN);
    }

    /** The longest {@link #close()} waits for the builds' threads to return. */
    public static Duration closeBound(Duration killGrace) {
        return stopGrace(killGrace).plus(CLOSE_MARGIN);
    }

    /** A new name {@code cmdimage-builder-<n>} for a builder's threads. */
    public static String newName() {
        return "cmdimage-builder-" + IDS.incrementAndGet();
    }

    private final PipelineSettings settings;
    private final Owned owned;
    private final BuildTags buildTags;
    private final BuildTimers timers;
    private final Object lock = new Object();
    // ---- guarded by lock ----
    private final Set<BuildExecution> live = new HashSet<>();
    private boolean closed;
    // ---- end guarded ----

    /** A builder that owns nothing but its timers (it shuts down neither the executor nor the runner). */
    public PipelineBuilder(PipelineSettings settings) {
        this(settings, new Owned(newName(), null, null));
    }

    /** A builder that shuts down, on {@link #close()}, what {@code owned} names (what its maker created for it). */
    public PipelineBuilder(PipelineSettings settings, Owned owned) {
        this.settings = settings;
        this.owned = owned;
        this.buildTags = new BuildTags(settings.clock());
        this.timers = new BuildTimers(owned.name());
    }

    @Override
    public BuildResult build(BuildRequest request) throws CmdImageException {
        BuildExecution execution = launch(request);
        try {
            return execution.result().get();
        } catch (InterruptedException e) {
            execution.cancel();
            awaitEnd(execution);
            Thread.currentThread().interrupt();
            return outcome(execution);
        } catch (ExecutionException e) {
            throw asCmdImageException(e.getCause());
        }
    }

    @Override
    public BuildHandle start(BuildRequest request) {
        return launch(request);
    }

    /**
     * Cancels every build still running, waits (at most {@link #closeBound}) until each build's thread has returned
     * (and with it the process runner, whose contract is to return once every process of the command is gone),
     * then shuts down what the builder owns: its timers, its executor and its process runner when it created them.
     * Past the bound it logs at DEBUG what still runs and returns; the late thread ends when its plug-in returns.
     */
    @Override
    public void close() {
        List<BuildExecution> running;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            running = new ArrayList<>(live);
        }
        LOG.debug("{}: closing, cancelling {} build(s)", owned.name(), running.size());
        running.forEach(BuildExecution::cancel);
        long deadline = System.nanoTime() + closeBound(settings.killGrace()).toNanos();
        boolean interrupted = false;
        for (BuildExecution execution : running) {
            try {
                execution.stopped().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (TimeoutException e) {
                LOG.debug("{}: build {} still runs after {}; no longer waiting for it", owned.name(),
                        execution.name(), closeBound(settings.killGrace()));
            } catch (ExecutionException | CancellationException e) {
                // stopped() always completes normally; nothing to wait for
            }
        }
        timers.close();
        if (owned.executor() != null) {
            owned.executor().shutdown();
            try {
                if (!owned.executor().awaitTermination(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS)) {
                    owned.executor().shutdownNow();
                }
            } catch (InterruptedException e) {
                interrupted = true;
                owned.executor().shutdownNow();
            }
        }
        if (owned.processRunner() != null) {
            try {
                owned.processRunner().close();
            } catch (Exception e) {
                LOG.debug("{}: closing the process runner failed", owned.name(), e);
            }
        }
        RecordMethodCaches.release();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many build timers are waiting (for tests). */
    public int pendingTimers() {
        return timers.pending();
    }

    @Override
    public String toString() {
        return "CmdImageBuilder[" + owned.name() + "]";
    }

    private BuildExecution launch(BuildRequest request) {
        String name = request.name() == null ? "" : request.name();
        BuildEvents events = new BuildEvents(name, request.listener());
        MicroTime startedAt = MicroTime.of(settings.clock().instant());
        BuildExecution execution;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("The CmdImageBuilder is closed: create a new one to build " + name);
            }
            execution = new BuildExecution(name, request.reason(), startedAt, settings.clock(), events,
                    stopGrace(settings.killGrace()), timers,
                    Messages.commandDisplay(request.cmdImage().spec().args()), request.timeout());
            live.add(execution);
        }
        BuildRun run = new BuildRun(settings, buildTags, request, events, execution.cancellation(), startedAt,
                execution);
        try {
            settings.executor().execute(() -> runToEnd(run, execution));
        } catch (RejectedExecutionException e) {
            execution.fail(new CmdImageException("The build could not start: the executor rejected it", e));
            returned(execution);
        }
        return execution;
    }

    private void runToEnd(BuildRun run, BuildExecution execution) {
        execution.running(Thread.currentThread());
        try {
            runSteps(run, execution);
        } finally {
            returned(execution);
        }
    }

    private void returned(BuildExecution execution) {
        synchronized (lock) {
            live.remove(execution);
        }
        execution.returned();
    }

    /**
     * What a builder created for itself, and so shuts down on {@link #close()}; never anything its caller passed.
     *
     * @param name          the builder's name, which its threads carry ({@code cmdimage-builder-<n>})
     * @param executor      the build pool the builder created, or {@code null} when the caller passed one
     * @param processRunner the process runner the builder created, or {@code null} when the caller passed one
     */
    public record Owned(String name, ExecutorService executor, AutoCloseable processRunner) {
        public Owned {
            Objects.requireNonNull(name, "name");
        }
    }

    private static void runSteps(BuildRun run, BuildExecution execution) {
        try {
            execution.succeed(run.execute());
        } catch (CmdImageException e) {
            execution.fail(e);
        } catch (Throwable t) {
            LOG.debug("build {} failed unexpectedly", execution.name(), t);
            execution.fail(new CmdImageException(run.masker().mask("Internal error: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage())), t));
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
        }
    }

    /**
     * Waits, ignoring interrupts, until the build has ended; bounded by the forced end of a cancelled build (and, in
     * case that ever failed, by a last-resort limit after which the build is ended here).
     */
    private static void awaitEnd(BuildExecution execution) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!execution.result().isDone()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                execution.fail(new BuildCancelledException(Messages.CANCELLED));
                break;
            }
            try {
                execution.result().handle((r, e) -> null).get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException | CancellationException e) {
                // loop: isDone() or the deadline decides
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The result of an ended build, or its exception. */
    private static BuildResult outcome(BuildExecution execution) throws CmdImageException {
        try {
            return execution.result().getNow(null);
        } catch (java.util.concurrent.CompletionException e) {
            throw asCmdImageException(e.getCause());
        }
    }

    private static CmdImageException asCmdImageException(Throwable t) {
        if (t instanceof CmdImageException c) {
            return c;
        }
        return new CmdImageException("Internal error: " + t, t);
    }
}
