package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.MicroTime;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CmdImageBuilder} of {@code dev.cmdimage.core.CmdImages}: runs each build as a {@link BuildRun} on the
 * configured executor and reports it through a {@link BuildExecution}. {@link #build} waits for a started build;
 * interrupting the waiting thread cancels it.
 */
public final class PipelineBuilder implements CmdImageBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineBuilder.class);
    /** How long past twice the kill grace a cancelled build may take before it is ended regardless. */
    static final Duration CANCEL_MARGIN = Duration.ofSeconds(5);

    /** How long a cancelled build, or a command past its timeout, may take to stop before it is ended regardless. */
    static Duration stopGrace(Duration killGrace) {
        return killGrace.multipliedBy(2).plus(CANCEL_MARGIN);
    }

    private final PipelineSettings settings;
    private final BuildTags buildTags;

    public PipelineBuilder(PipelineSettings settings) {
        this.settings = settings;
        this.buildTags = new BuildTags(settings.clock());
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

    private BuildExecution launch(BuildRequest request) {
        String name = request.name() == null ? "" : request.name();
        BuildEvents events = new BuildEvents(name, request.listener());
        MicroTime startedAt = MicroTime.of(settings.clock().instant());
        BuildExecution execution = new BuildExecution(name, request.reason(), startedAt, settings.clock(), events,
                stopGrace(settings.killGrace()));
        BuildRun run = new BuildRun(settings, buildTags, request, events, execution.cancellation(), startedAt,
                execution);
        try {
            settings.executor().execute(() -> runToEnd(run, execution));
        } catch (RejectedExecutionException e) {
            execution.fail(new CmdImageException("The build could not start: the executor rejected it", e));
        }
        return execution;
    }

    private static void runToEnd(BuildRun run, BuildExecution execution) {
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
