package dev.cmdimage.core.internal.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process trees still running in this JVM, and the one shutdown hook that ends them when the JVM exits (so
 * that Ctrl-C in a command-line tool leaves no build process behind: the children run in sessions of their own
 * and do not get the terminal's SIGINT). Registering and deregistering a run is a set insertion and removal.
 */
public final class LiveProcesses {
    /** The longest the shutdown hook waits after SIGTERM before it sends SIGKILL. */
    private static final Duration HOOK_GRACE = Duration.ofSeconds(3);

    private static final Set<ProcessTree> LIVE = ConcurrentHashMap.newKeySet();
    private static final Object LOCK = new Object();
    private static boolean hookInstalled;
    private static volatile boolean shuttingDown;

    private LiveProcesses() {}

    /**
     * Adds a running tree.
     *
     * @throws IllegalStateException when the JVM is shutting down (the caller must end the tree itself)
     */
    public static void register(ProcessTree tree) {
        synchronized (LOCK) {
            if (shuttingDown) {
                throw new IllegalStateException("the JVM is shutting down");
            }
            if (!hookInstalled) {
                Thread hook = new Thread(LiveProcesses::endAll, "cmdimage-process-shutdown");
                Runtime.getRuntime().addShutdownHook(hook); // throws IllegalStateException during shutdown
                hookInstalled = true;
            }
            LIVE.add(tree);
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
        List<ProcessTree> trees = new ArrayList<>(LIVE);
        if (trees.isEmpty()) {
            return;
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
    }
}
