package dev.cmdimage.spi;

import dev.cmdimage.api.StdStream;
import java.io.IOException;

/**
 * Runs the user's command. The default ({@code dev.cmdimage.core.JdkProcessRunner}) runs it in its own process
 * group; replace it to run commands elsewhere (in a container, over SSH) or to fake them in tests.
 *
 * <p>Contract: {@link #run} blocks until the command and every process it started are gone. On timeout or
 * cancellation the whole process tree gets SIGTERM, then SIGKILL after {@link ProcessSpec#killGrace()}. Output is
 * streamed line by line as it comes, with bounded memory whatever the command prints.
 *
 * <p>Threads: one runner serves every build of a builder, so {@link #run} is called concurrently, once per running
 * build, each call on that build's thread (a thread of the builder's executor: {@code CmdImages.Builder.executor},
 * by default the builder's own {@code cmdimage-build-*} threads; the controller's builds run there too). An
 * implementation must be thread-safe. The {@link Cancellation} is cancelled from another thread (the caller's
 * {@code cancel()}, a timeout, {@code close()}), and callbacks registered with
 * {@link Cancellation#onCancel(Runnable)} run on that thread.
 */
public interface ProcessRunner {
    /**
     * Runs {@code spec} to its end.
     *
     * @param output       receives each line; the runner may call it from any of its threads, also from two at
     *                     once (one per stream, as the default runner does), but never after {@code run} returned.
     *                     The pipeline's consumer is thread-safe and fast
     * @param cancellation cancels the run
     * @return how it ended (a non-zero exit is a result, not an exception)
     * @throws IOException when the command cannot be started (not found, not executable, bad directory); the
     *                     message names the command and the cause
     */
    ProcessResult run(ProcessSpec spec, LineConsumer output, Cancellation cancellation) throws IOException;

    /** Receives output lines. */
    @FunctionalInterface
    interface LineConsumer {
        /** One line, without its terminator. */
        void line(StdStream stream, String line);
    }
}
