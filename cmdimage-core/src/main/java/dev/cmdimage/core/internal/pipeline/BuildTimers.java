package dev.cmdimage.core.internal.pipeline;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timers of one {@link PipelineBuilder}'s builds (timeouts, watchdogs, forced ends): one daemon thread, named
 * after the builder, started when a timer is first armed and ended after {@link #IDLE} without one. A cancelled
 * timer leaves the queue at once, so a build that ended holds nothing here however long its timeout was.
 * {@link #close()} drops every timer and ends the thread.
 */
final class BuildTimers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BuildTimers.class);
    /** How long the timer thread lives on without a timer to wait for. */
    static final Duration IDLE = Duration.ofSeconds(5);

    private final ScheduledThreadPoolExecutor scheduler;

    BuildTimers(String owner) {
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, owner + "-timer");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setKeepAliveTime(IDLE.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code task} on the timer thread after {@code delay}, unless the returned timer is cancelled first. After
     * {@link #close()} nothing is scheduled any more: the timer returned then never fires.
     */
    Timer schedule(Duration delay, Runnable task) {
        try {
            ScheduledFuture<?> future = scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            LOG.debug("timers closed: not scheduling a timer in {}", delay);
            return () -> { };
        }
    }

    /** How many timers are waiting (for tests and diagnostics). */
    int pending() {
        return scheduler.getQueue().size();
    }

    /** Drops every timer and waits (at most {@code bound}) for the timer thread to end. */
    void close(Duration bound) {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.debug("a timer task still runs after {}", bound);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    /** An armed timer. */
    interface Timer {
        /** Disarms it (does nothing once it fired). */
        void cancel();
    }
}
