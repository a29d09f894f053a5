package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.core.internal.process.OutputTail;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessRunner;
import dev.cmdimage.spi.ProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Step 5 and 6: runs {@code args} as an argv through the {@link ProcessRunner}, streams each output line to the
 * listener (secrets masked) and into a bounded tail, and turns how it ended into an outcome: exit 0 is success,
 * a non-zero exit {@link CommandFailedException}, a timeout {@link BuildTimeoutException}, a cancellation
 * {@link BuildCancelledException}. Should a runner outlive its timeout by more than the stop grace, a watchdog ends
 * the build as timed out anyway.
 */
final class RunStep {
    /** How many characters of an output line the error keeps. */
    static final int TAIL_LINE_LENGTH = 500;

    private final ProcessRunner runner;
    private final Duration killGrace;
    private final int tailLines;

    RunStep(ProcessRunner runner, Duration killGrace, int tailLines) {
        this.runner = runner;
        this.killGrace = killGrace;
        this.tailLines = tailLines;
    }

    /** @return how long the command ran */
    Duration run(List<String> args, Path directory, Map<String, String> environment, Duration timeout,
            BuildEvents events, SecretMasker masker, Cancellation cancellation, BuildControl control)
            throws CmdImageException {
        String command = Messages.commandDisplay(args);
        OutputTail tail = new OutputTail(tailLines, TAIL_LINE_LENGTH);
        // the timeout bounds the whole build: the command gets what the steps before it left
        Duration left = timeout == null ? null : control.timeLeft();
        if (left != null && (left.isZero() || left.isNegative())) {
            throw timedOut(command, timeout, tail);
        }
        ProcessSpec spec = new ProcessSpec(args, directory, environment, left, killGrace);
        ProcessResult result;
        // the runner enforces the timeout; this only ends the build should a runner fail to
        try (BuildControl.Watchdog ignored = left == null ? () -> { }
                : control.watchdog(left.plus(PipelineBuilder.stopGrace(killGrace)),
                        () -> timedOut(command, timeout, tail))) {
            result = runner.run(spec, (stream, line) -> {
                String shown = masker.mask(line);
                tail.add(shown);
                events.outputLine(stream, shown);
            }, cancellation);
        } catch (IOException e) {
            if (cancellation.isCancelled()) {
                throw new BuildCancelledException(Messages.CANCELLED);
            }
            throw new CmdImageException(Messages.commandNotStarted(command, masker.mask(IoErrors.describe(e))), e);
        } catch (RuntimeException e) {
            if (cancellation.isCancelled()) {
                throw new BuildCancelledException(Messages.CANCELLED);
            }
            throw new CmdImageException(masker.mask(
                    Messages.unexpected("the process runner", "running \"" + command + "\"", e)), e);
        }
        if (result == null) {
            throw new CmdImageException(Messages.unexpected("the process runner", "running \"" + command + "\"",
                    new IllegalStateException("it returned no result")));
        }
        switch (result.termination()) {
            case CANCELLED:
                throw new BuildCancelledException(Messages.CANCELLED);
            case TIMED_OUT:
                throw timedOut(command, timeout, tailOf(tail, result, masker));
            case EXITED:
            default:
                break;
        }
        if (cancellation.isCancelled()) {
            throw new BuildCancelledException(Messages.CANCELLED);
        }
        if (result.exitCode() != 0) {
            List<String> lines = tailOf(tail, result, masker).snapshot();
            throw new CommandFailedException(Messages.commandFailed(command, result.exitCode(), lines), command,
                    result.exitCode(), lines);
        }
        return result.elapsed();
    }

    /**
     * The lines streamed to the pipeline; when the runner streamed none (a fake, or a runner that collects output
     * instead of streaming it), the tail it returned in its result, masked and bounded the same way.
     */
    private OutputTail tailOf(OutputTail streamed, ProcessResult result, SecretMasker masker) {
        List<String> returned = result.outputTail();
        if (!streamed.snapshot().isEmpty() || returned == null || returned.isEmpty()) {
            return streamed;
        }
        OutputTail tail = new OutputTail(tailLines, TAIL_LINE_LENGTH);
        for (String line : returned) {
            tail.add(masker.mask(line));
        }
        return tail;
    }

    private static BuildTimeoutException timedOut(String command, Duration timeout, OutputTail tail) {
        List<String> lines = tail.snapshot();
        return new BuildTimeoutException(Messages.commandTimedOut(command, timeout, lines), timeout, command, lines);
    }
}
