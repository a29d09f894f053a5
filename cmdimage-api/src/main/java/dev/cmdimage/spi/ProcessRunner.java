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
 */
public interface ProcessRunner {
    /**
     * Runs {@code spec} to its end.
     *
     * @param output       receives each line (must be fast; called from the runner's reader threads)
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
