package dev.cmdimage.core.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A command's supervisor forked by a {@link SupervisorServer}, seen as a {@link Process}: its stdin (requests to
 * the supervisor), stdout and stderr are the pipes the server made for it, opened through {@code /proc}; its exit
 * status is the one the server reports. It is not this JVM's child, so it is signalled through its
 * {@link ProcessHandle}, which checks the start time and so never signals a process that reused the pid.
 */
final class ServedProcess extends Process {
    private static final long ORPHAN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private final ProcessHandle handle;
    private final OutputStream requests;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Integer> exit;
    /** Set when the server is gone: nobody reports the exit any more, this process watches its own. */
    private final AtomicBoolean serverGone;

    ServedProcess(ProcessHandle handle, OutputStream requests, InputStream stdout, InputStream stderr,
            CompletableFuture<Integer> exit, AtomicBoolean serverGone) {
        this.handle = handle;
        this.serverGone = serverGone;
        this.requests = requests;
        this.stdout = stdout;
        this.stderr = stderr;
        this.exit = exit;
        // the supervisor is gone: nobody reads requests any more (as the JDK closes a child's stdin at its exit)
        exit.whenComplete((code, failure) -> {
            try {
                requests.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        });
    }

    @Override
    public OutputStream getOutputStream() {
        return requests;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        while (!waitFor(1, TimeUnit.SECONDS)) {
            // checks whether it is gone while nobody reports its exit
        }
        return exit.join();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            if (!isAlive()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                exit.get(serverGone.get() ? Math.min(left, ORPHAN_POLL_NANOS) : left, TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException e) {
                // look again
            } catch (ExecutionException e) {
                return true;
            }
        }
    }

    @Override
    public int exitValue() {
        if (isAlive()) {
            throw new IllegalThreadStateException("process " + handle.pid() + " has not exited");
        }
        return exit.join();
    }

    @Override
    public boolean isAlive() {
        if (exit.isDone()) {
            return false;
        }
        if (serverGone.get() && !handle.isAlive()) {
            exit.complete(-1); // its exit status went with the server
            return false;
        }
        return true;
    }

    @Override
    public void destroy() {
        if (isAlive()) {
            handle.destroy();
        }
    }

    @Override
    public Process destroyForcibly() {
        if (isAlive()) {
            handle.destroyForcibly();
        }
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public long pid() {
        return handle.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return handle;
    }

    /** Completes when the server reports the exit (not when an orphaned process ends: use {@link #waitFor}). */
    @Override
    public CompletableFuture<Process> onExit() {
        return exit.handle((code, failure) -> this);
    }

    @Override
    public String toString() {
        return "ServedProcess[pid=" + handle.pid() + (exit.isDone() ? ", exitValue=" + exit.join() : ", alive")
                + "]";
    }
}
