package dev.cmdimage.spi;

import java.time.Duration;
import java.util.List;

/**
 * How a command ended.
 *
 * @param exitCode    the exit status (for a killed process, what the OS reported, e.g. 143)
 * @param termination why it ended
 * @param outputTail  the last lines it printed, stdout and stderr interleaved as read (bounded)
 * @param elapsed     how long it ran
 */
public record ProcessResult(int exitCode, Termination termination, List<String> outputTail, Duration elapsed) {
    /** Copies {@code outputTail} (required). */
    public ProcessResult {
        outputTail = List.copyOf(outputTail);
    }

    /** Why a command ended. */
    public enum Termination {
        /** It exited by itself. */
        EXITED,
        /** Its timeout ran out; its process tree was killed. */
        TIMED_OUT,
        /** It was cancelled; its process tree was killed. */
        CANCELLED
    }
}
