package dev.cmdimage.spi;

import dev.cmdimage.api.Subscription;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-way cancellation signal shared by a build and the plug-ins it calls. Plug-ins either poll
 * {@link #isCancelled()} or register a callback with {@link #onCancel(Runnable)}.
 *
 * <p>Thread-safe: a build's plug-ins poll and register on the build's thread while {@link #cancel()} comes from
 * another (the caller's {@code cancel()}, a timeout, {@code close()}); the callbacks run on the cancelling thread.
 */
public final class Cancellation {
    private final List<Runnable> callbacks = new ArrayList<>();
    private boolean cancelled;

    /** A signal not cancelled yet. */
    public Cancellation() {}

    /**
     * A new signal for calling a plug-in outside a build: nobody else holds it, so it is never cancelled unless the
     * caller cancels it. (Equivalent to {@code new Cancellation()}.)
     */
    public static Cancellation never() {
        return new Cancellation();
    }

    /** Signals cancellation; runs every registered callback once, on this thread. Later calls do nothing. */
    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = new ArrayList<>(callbacks);
            callbacks.clear();
        }
        for (Runnable r : toRun) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // a callback must not stop the others from running
            }
        }
    }

    /** Whether {@link #cancel()} has been called. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /**
     * Runs {@code callback} on cancellation, at once when already cancelled.
     *
     * @return a subscription whose {@code close()} removes the callback
     */
    public Subscription onCancel(Runnable callback) {
        synchronized (this) {
            if (!cancelled) {
                callbacks.add(callback);
                return () -> {
                    synchronized (Cancellation.this) {
                        callbacks.remove(callback);
                    }
                };
            }
        }
        callback.run();
        return () -> {};
    }
}
