package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.internal.FinalStatus;
import dev.cmdimage.spi.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The state of one build as its caller sees it: the handle, the futures and the end of the build. The build ends
 * exactly once, with the first of: the pipeline's result, its failure, or (after {@link #cancel()}) a forced
 * {@code build cancelled} when the pipeline has not stopped within {@link #forceAfter}, or a {@link #watchdog}
 * that fired (a plug-in that ignores cancellation or its timeout cannot keep a build {@code building} forever). Whatever ends it, the listener hears the final
 * status, {@link #finalStatus()} completes normally and {@link #result()} completes with the result or the
 * {@link CmdImageException} (which carries the final status).
 */
final class BuildExecution implements BuildHandle, BuildControl {
    private final String name;
    private final String reason;
    private final MicroTime startedAt;
    private final Clock clock;
    private final BuildEvents events;
    private final Duration forceAfter;
    private final Cancellation cancellation = new Cancellation();
    /** Cancelling it (the caller's {@code Future.cancel}) cancels the build, as {@link #cancel()} does. */
    private final CompletableFuture<BuildResult> result = new CancellingFuture<>(this::cancel);
    private final CompletableFuture<CmdImageStatus> finalStatus = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile CmdImageStatus current;

    BuildExecution(String name, String reason, MicroTime startedAt, Clock clock, BuildEvents events,
            Duration forceAfter) {
        this.name = name;
        this.reason = reason;
        this.startedAt = startedAt;
        this.clock = clock;
        this.events = events;
        this.forceAfter = forceAfter;
        this.current = CmdImageStatus.building(reason, startedAt);
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
        CompletableFuture.delayedExecutor(after.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!disarmed.get() && !ended.get()) {
                cancellation.cancel();
                fail(failure.get());
            }
        });
        return () -> disarmed.set(true);
    }

    void succeed(BuildResult r) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        current = r.status();
        events.finish(r.status());
        result.complete(r); // result first: whoever saw the final status finds the result completed too
        finalStatus.complete(r.status());
    }

    void fail(CmdImageException e) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
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
        CompletableFuture.delayedExecutor(forceAfter.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> fail(new BuildCancelledException(Messages.CANCELLED)));
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
