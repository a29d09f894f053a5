package dev.cmdimage.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT/SIGTERM into an orderly stop: a JVM shutdown hook that interrupts the command's thread, runs
 * {@code onStop} (which cancels the builds and returns when their processes are gone), and then waits a bounded
 * time for the program to finish printing ({@link #programDone()}). Only installed when the command owns the JVM.
 */
final class SignalGuard implements AutoCloseable {
    /** How long the hook waits for the program to print what it has after the builds are cancelled. */
    private static final long FINISH_WAIT_SECONDS = 10;
    /** Counted down by {@link Main#main} when the command has returned (everything printed). */
    private static final CountDownLatch PROGRAM_DONE = new CountDownLatch(1);

    private final Thread hook;
    private volatile boolean signalled;

    private final Thread commandThread;
    private final Runnable onStop;

    private SignalGuard(Thread commandThread, Runnable onStop) {
        this.commandThread = commandThread;
        this.onStop = onStop;
        this.hook = new Thread(() -> {
            stop();
            try {
                PROGRAM_DONE.await(FINISH_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cmdimage-stop");
    }

    /**
     * What SIGINT/SIGTERM does, at whatever point the command is: marks the run as signalled, interrupts the
     * command's thread, and runs {@code onStop} (returns when the builds are cancelled). The hook runs it; tests
     * call it to send a signal at a chosen point.
     */
    void stop() {
        signalled = true;
        commandThread.interrupt();
        onStop.run();
    }

    /**
     * Installs the hook when {@code cli} owns the JVM; otherwise returns a guard that does nothing (in-process
     * callers cancel by interrupting the calling thread).
     */
    static SignalGuard install(Cli cli, Runnable onStop) {
        SignalGuard guard = new SignalGuard(Thread.currentThread(), onStop);
        if (cli.ownsJvm()) {
            Runtime.getRuntime().addShutdownHook(guard.hook);
        }
        return guard;
    }

    /** Whether the JVM is being stopped by a signal. */
    boolean signalled() {
        return signalled;
    }

    /** The program has printed everything: a hook that is running may let the JVM end. */
    static void programDone() {
        PROGRAM_DONE.countDown();
    }

    /** The builds are over: removes the hook (unless it is already running). */
    @Override
    public void close() {
        if (!signalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is already shutting down, or the hook was never installed
            }
        }
    }
}
