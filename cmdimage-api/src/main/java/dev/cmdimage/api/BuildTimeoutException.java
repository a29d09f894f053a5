package dev.cmdimage.api;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The build ran longer than its timeout; its process tree was killed. */
public class BuildTimeoutException extends CmdImageException {
    private final Duration timeout;
    private final String command;
    private final List<String> outputTail;

    /**
     * @param message the sentence for a person, naming the command, the timeout and the last lines of output
     * @param timeout the timeout that was exceeded
     */
    public BuildTimeoutException(String message, Duration timeout) {
        this(message, timeout, null, List.of());
    }

    /**
     * @param message    the sentence for a person, naming the command, the timeout and the last lines of output
     * @param timeout    the timeout that was exceeded
     * @param command    the command as shown to people (see {@link CommandFailedException#command()}), or
     *                   {@code null}
     * @param outputTail the last lines the command printed before it was killed (secret values already masked)
     */
    public BuildTimeoutException(String message, Duration timeout, @Nullable String command,
            List<String> outputTail) {
        super(message);
        this.timeout = timeout;
        this.command = command;
        this.outputTail = List.copyOf(outputTail);
    }

    /** The timeout that was exceeded. */
    public Duration timeout() {
        return timeout;
    }

    /** The command as shown to people, or {@code null} when not known. */
    public @Nullable String command() {
        return command;
    }

    /** The last lines the command printed before it was killed (bounded; empty when not known). */
    public List<String> outputTail() {
        return outputTail;
    }
}
