package dev.cmdimage.core.internal.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process trees one {@code JdkProcessRunner} is running, and, when the runner asks for it, the shutdown hook
 * that ends them when the JVM exits (so that Ctrl-C in a command-line tool leaves no build process behind: the
 * children run in sessions of their own and do not get the terminal's SIGINT). Registering and deregistering a run
 * is a map insertion and removal. The hook is installed with the first run and removed by {@link #close()}; all
 * state is per instance, so nothing of a closed runner stays reachable from the JVM.
 *
 * <p>Before it signals a tree the hook calls the run's {@code onShutdown} callback, so that the run reports itself
 * cancelled rather than killed by a signal; after the kills it waits a moment (at most {@link #HOOK_REPORT}) for the
 * runs to deregister, which gives them the chance to hand their result back before the JVM halts.
 */
public final class LiveProcesses {
    /** The longest the shutdown hook waits after SIGTERM before it sends SIGKILL. */
    private static final Duration HOOK_GRACE = Duration.ofSeconds(3);
    /** The longest the shutdown hook waits, after the kills, for the runs to deregister. */
    private static final Duration HOOK_REPORT = Duration.ofSeconds(1);

    private final Map<ProcessTree, Runnable> live = new ConcurrentHashMap<>();
    private final boolean shutdownHook;
    private final Object lock = new Object();
    // ---- guarded by lock ----
    private Thread hook;
    private boolean closed;
    // ---- end guarded ----
    private volatile boolean shuttingDown;

    /** @param shutdownHook whether to end the registered trees from a JVM shutdown hook */
    public LiveProcesses(boolean shutdownHook) {
        this.shutdownHook = shutdownHook;
    }

    /**
     * Adds a running tree.
     *
     * @param onShutdown called by the shutdown hook just before it ends the tree, and by {@link #close()} to have
     *                   the run end it (it must not block)
     * @throws IllegalStateException when the JVM is shutting down or this is closed (the caller must end the tree
     *                               itself)
     */
    public void register(ProcessTree tree, Runnable onShutdown) {
        synchronized (lock) {
            if (shuttingDown) {
                throw new IllegalStateException("the JVM is shutting down");
            }
            if (closed) {
                throw new IllegalStateException("the process runner is closed");
            }
            if (shutdownHook && hook == null) {
                Thread h = new Thread(this::endAll, "cmdimage-process-shutdown");
                Runtime.getRuntime().addShutdownHook(h); // throws IllegalStateException during shutdown
                hook = h;
            }
            live.put(tree, onShutdown);
        }
    }

    /** Removes a tree whose processes are gone. */
    public void deregister(ProcessTree tree) {
        live.remove(tree);
    }

    /** The trees currently registered (for tests and diagnostics). */
    public int count() {
        return live.size();
    }

    /** Whether a shutdown hook is installed now (for tests and diagnostics). */
    public boolean hookInstalled() {
        synchronized (lock) {
            return hook != null;
        }
    }

    /** @throws IllegalStateException when closed */
    public void requireOpen() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the process runner is closed");
            }
        }
    }

    /**
     * Accepts no more runs, asks every run still registered to end its tree (as the shutdown hook would, so it
     * reports itself cancelled), waits at most {@code bound} for them to deregister, and removes the shutdown hook.
     * Idempotent.
     *
     * @return whether every run had deregistered within the bound
     */
    public boolean close(Duration bound) {
        Thread installed;
        synchronized (lock) {
            closed = true;
            installed = hook;
            hook = null;
        }
        for (Runnable onEnd : new ArrayList<>(live.values())) {
            try {
                onEnd.run();
            } catch (RuntimeException e) {
                // the run ends its tree all the same once its command exits
            }
        }
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        while (!live.isEmpty() && deadline - System.nanoTime() > 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        if (installed != null && !shuttingDown) {
            try {
                Runtime.getRuntime().removeShutdownHook(installed);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (or ran) and ends what is left
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return live.isEmpty();
    }

    private void endAll() {
        synchronized (lock) {
            shuttingDown = true;
        }
        List<Map.Entry<ProcessTree, Runnable>> entries = new ArrayList<>(live.entrySet());
        if (entries.isEmpty()) {
            return;
        }
        List<ProcessTree> trees = new ArrayList<>(entries.size());
        for (Map.Entry<ProcessTree, Runnable> entry : entries) {
            trees.add(entry.getKey());
            try {
                entry.getValue().run();
            } catch (RuntimeException e) {
                // the tree is ended all the same
            }
        }
        Duration grace = Duration.ZERO;
        for (ProcessTree tree : trees) {
            tree.signalTerm();
            if (tree.killGrace().compareTo(grace) > 0) {
                grace = tree.killGrace();
            }
        }
        if (grace.compareTo(HOOK_GRACE) > 0) {
            grace = HOOK_GRACE;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessTree tree : trees) {
            long left = Math.max(0, deadline - System.nanoTime());
            tree.awaitGone(Duration.ofNanos(left));
        }
        for (ProcessTree tree : trees) {
            tree.kill();
        }
        long reportDeadline = System.nanoTime() + HOOK_REPORT.toNanos();
        while (trees.stream().anyMatch(live::containsKey) && reportDeadline - System.nanoTime() > 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
