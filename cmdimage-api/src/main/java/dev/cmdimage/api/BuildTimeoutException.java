package dev.cmdimage.api;

import java.time.Duration;

/** The build ran longer than its timeout; its process tree was killed. */
public class BuildTimeoutException extends CmdImageException {
    private final Duration timeout;

    /**
     * @param message the sentence for a person, naming the command, the timeout and the last lines of output
     * @param timeout the timeout that was exceeded
     */
    public BuildTimeoutException(String message, Duration timeout) {
        super(message);
        this.timeout = timeout;
    }

    /** The timeout that was exceeded. */
    public Duration timeout() {
        return timeout;
    }
}
