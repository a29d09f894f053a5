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
 * <p>What a runner of one's own (or a fake in a test) must do:
 * <ul>
 *   <li>run {@link ProcessSpec#command()} as an argv in {@link ProcessSpec#directory()} with exactly
 *       {@link ProcessSpec#environment()} (it is complete: nothing else is inherited);</li>
 *   <li>give each output line to the {@link LineConsumer} as it comes, before {@link #run} returns: the pipeline
 *       shows those lines to the listener and puts the last of them into a failure's message. Should it stream no
 *       line at all, the pipeline uses {@link ProcessResult#outputTail()} for the message instead (a runner that can
 *       only collect output returns it there);</li>
 *   <li>return a {@link ProcessResult}, never {@code null}: a non-zero exit is a result; {@code TIMED_OUT} when
 *       {@link ProcessSpec#timeout()} ran out, {@code CANCELLED} after the {@link Cancellation} fired;</li>
 *   <li>throw {@link IOException} only when the command could not start;</li>
 *   <li>react to the {@link Cancellation} (poll it or register a callback) and return soon after it fires, its
 *       processes gone. After a cancel or a timeout the build waits a bounded time for {@code run} to return
 *       (twice the kill grace and a margin), then ends anyway; {@link dev.cmdimage.api.BuildHandle#stopped()}
 *       completes only once {@code run} has returned.</li>
 * </ul>
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
