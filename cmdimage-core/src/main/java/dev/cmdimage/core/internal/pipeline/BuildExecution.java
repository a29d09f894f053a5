package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.internal.FinalStatus;
import dev.cmdimage.spi.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one build as its caller sees it: the handle, the futures and the end of the build. The build ends
 * exactly once, with the first of: the pipeline's result, its failure, or (after {@link #cancel()}) a forced
 * {@code build cancelled} when the pipeline has not stopped within {@link #forceAfter}, or a {@link #watchdog}
 * that fired (a plug-in that ignores cancellation or its timeout cannot keep a build {@code building} forever), or
 * the build's whole timeout running out outside the command (then the step in progress is cancelled and its thread
 * interrupted). Whatever ends it, the listener hears the final status, {@link #finalStatus()} completes normally
 * and {@link #result()} completes with the result or the {@link CmdImageException} (which carries the final
 * status); every timer of the build is cancelled. {@link #stopped()} completes later, when the build's thread has
 * returned (and with it the process runner, so no process of the build is left).
 */
final class BuildExecution implements BuildHandle, BuildControl {
    private static final Logger LOG = LoggerFactory.getLogger(BuildExecution.class);
    private final String name;
    private final String reason;
    private final MicroTime startedAt;
    private final Clock clock;
    private final BuildEvents events;
    private final Duration forceAfter;
    private final BuildTimers timers;
    private final String command;
    private final Duration timeout;
    private final long startNanos = System.nanoTime();
    private final Cancellation cancellation = new Cancellation();
    /** Cancelling it (the caller's {@code Future.cancel}) cancels the build, as {@link #cancel()} does. */
    private final CompletableFuture<BuildResult> result = new CancellingFuture<>(this::cancel);
    private final CompletableFuture<CmdImageStatus> finalStatus = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile CmdImageStatus current;
    private volatile BuildStep step = BuildStep.VALIDATE;
    // ---- guarded by this ----
    private final List<BuildTimers.Timer> armed = new ArrayList<>();
    /** The thread running the build's steps, while it does. */
    private Thread runThread;
    // ---- end guarded ----

    /**
     * @param forceAfter how long a cancelled build may take to stop before it is ended regardless
     * @param timers     where the build's timers run
     * @param command    the command as shown to people (for the timeout's message)
     * @param timeout    the longest the whole build may take, or {@code null}
     */
    BuildExecution(String name, String reason, MicroTime startedAt, Clock clock, BuildEvents events,
            Duration forceAfter, BuildTimers timers, String command, Duration timeout) {
        this.name = name;
        this.reason = reason;
        this.startedAt = startedAt;
        this.clock = clock;
        this.events = events;
        this.forceAfter = forceAfter;
        this.timers = timers;
        this.command = command;
        this.timeout = timeout;
        this.current = CmdImageStatus.building(reason, startedAt);
        if (timeout != null) {
            arm(timeout, this::timeoutExpired);
        }
    }

    Cancellation cancellation() {
        return cancellation;
    }

    MicroTime startedAt() {
        return startedAt;
    }

    @Override
    public void markBuilding() {
        CmdImageStatus building = CmdImageStatus.building(reason, startedAt);
        if (!ended.get()) {
            current = building;
            events.statusChanged(building);
        }
    }

    @Override
    public Watchdog watchdog(Duration after, Supplier<CmdImageException> failure) {
        AtomicBoolean disarmed = new AtomicBoolean();
        BuildTimers.Timer timer = arm(after, () -> {
            if (!disarmed.get() && !ended.get()) {
                cancellation.cancel();
                fail(failure.get());
            }
        });
        return () -> {
            disarmed.set(true);
            timer.cancel();
        };
    }

    @Override
    public void enterStep(BuildStep step) {
        this.step = step;
    }

    @Override
    public Duration timeLeft() {
        if (timeout == null) {
            return null;
        }
        return timeout.minusNanos(System.nanoTime() - startNanos);
    }

    /**
     * The build's thread starts running its steps: from now on a timeout or {@link #cancel()} outside the command
     * step interrupts it.
     */
    synchronized void running(Thread thread) {
        runThread = thread;
    }

    /**
     * The build's thread has returned: nothing interrupts it any more (an interrupt that came too late is cleared),
     * and {@link #stopped()} completes.
     */
    void returned() {
        synchronized (this) {
            if (runThread == Thread.currentThread()) {
                runThread = null;
                Thread.interrupted();
            }
        }
        stopped.complete(null);
    }

    /** The build's whole timeout ran out. In the command step the runner ends it (and a watchdog, should it not). */
    private void timeoutExpired() {
        if (ended.get() || step == BuildStep.RUN) {
            return;
        }
        BuildStep now = step;
        LOG.debug("build {} timed out after {} in step {}", name, timeout, now.label());
        // ended first, then the step stopped: the step that sees the cancel must not end the build "cancelled"
        fail(new BuildTimeoutException(Messages.buildTimedOut(command, timeout, now), timeout, command, List.of()));
        cancellation.cancel();
        interruptSteps();
    }

    /** Interrupts the build's thread when it runs a step other than the command (the runner has its cancel). */
    private synchronized void interruptSteps() {
        if (runThread != null && step != BuildStep.RUN) {
            runThread.interrupt();
        }
    }

    /** Arms a timer of this build; it is cancelled when the build ends. */
    private BuildTimers.Timer arm(Duration after, Runnable task) {
        BuildTimers.Timer timer = timers.schedule(after, task);
        synchronized (this) {
            armed.add(timer);
        }
        if (ended.get()) {
            cancelTimers();
        }
        return timer;
    }

    private void cancelTimers() {
        List<BuildTimers.Timer> all;
        synchronized (this) {
            all = new ArrayList<>(armed);
            armed.clear();
        }
        all.forEach(BuildTimers.Timer::cancel);
    }

    void succeed(BuildResult r) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        cancelTimers();
        current = r.status();
        events.finish(r.status());
        result.complete(r); // result first: whoever saw the final status finds the result completed too
        finalStatus.complete(r.status());
    }

    void fail(CmdImageException e) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        cancelTimers();
        CmdImageStatus status = CmdImageStatus.failed(e.getMessage(), reason, startedAt,
                MicroTime.of(clock.instant()));
        FinalStatus.record(e, status);
        current = status;
        events.finish(status);
        result.completeExceptionally(e);
        finalStatus.complete(status);
    }

    boolean hasEnded() {
        return ended.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void cancel() {
        if (ended.get()) {
            return;
        }
        cancellation.cancel();
        interruptSteps();
        arm(forceAfter, () -> fail(new BuildCancelledException(Messages.CANCELLED)));
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
    public CompletableFuture<Void> stopped() {
        return stopped.copy();
    }

    @Override
    public CmdImageStatus currentStatus() {
        return current;
    }

    @Override
    public String toString() {
        return "BuildHandle[" + name + ", " + current + "]";
    }

    /** A future whose {@link #cancel} also cancels the work it stands for; dependent stages are plain futures. */
    private static final class CancellingFuture<T> extends CompletableFuture<T> {
        private final Runnable onCancel;

        CancellingFuture(Runnable onCancel) {
            this.onCancel = onCancel;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                onCancel.run();
            }
            return cancelled;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }
}
