package dev.cmdimage.core.internal.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process trees still running in this JVM, and the one shutdown hook that ends them when the JVM exits (so
 * that Ctrl-C in a command-line tool leaves no build process behind: the children run in sessions of their own
 * and do not get the terminal's SIGINT). Registering and deregistering a run is a map insertion and removal.
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

    private static final Map<ProcessTree, Runnable> LIVE = new ConcurrentHashMap<>();
    private static final Object LOCK = new Object();
    private static boolean hookInstalled;
    private static volatile boolean shuttingDown;

    private LiveProcesses() {}

    /**
     * Adds a running tree.
     *
     * @param onShutdown called by the shutdown hook just before it ends the tree (it must not block)
     * @throws IllegalStateException when the JVM is shutting down (the caller must end the tree itself)
     */
    public static void register(ProcessTree tree, Runnable onShutdown) {
        synchronized (LOCK) {
            if (shuttingDown) {
                throw new IllegalStateException("the JVM is shutting down");
            }
            if (!hookInstalled) {
                Thread hook = new Thread(LiveProcesses::endAll, "cmdimage-process-shutdown");
                Runtime.getRuntime().addShutdownHook(hook); // throws IllegalStateException during shutdown
                hookInstalled = true;
            }
            LIVE.put(tree, onShutdown);
        }
    }

    /** Removes a tree whose processes are gone. */
    public static void deregister(ProcessTree tree) {
        LIVE.remove(tree);
    }

    /** The trees currently registered (for tests and diagnostics). */
    public static int count() {
        return LIVE.size();
    }

    private static void endAll() {
        synchronized (LOCK) {
            shuttingDown = true;
        }
        List<Map.Entry<ProcessTree, Runnable>> entries = new ArrayList<>(LIVE.entrySet());
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
        while (trees.stream().anyMatch(LIVE::containsKey) && reportDeadline - System.nanoTime() > 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
