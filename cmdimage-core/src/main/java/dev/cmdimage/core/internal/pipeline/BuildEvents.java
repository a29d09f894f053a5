package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.StdStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener of one build, made safe: callbacks are serialized (so they arrive in order even when stdout and
 * stderr are read on two threads), an exception thrown by the listener is logged at DEBUG and dropped, and after
 * {@link #close()} (the build has ended) nothing more is delivered.
 */
final class BuildEvents {
    private static final Logger LOG = LoggerFactory.getLogger(BuildEvents.class);

    private final String name;
    private final BuildListener listener;
    private boolean closed;

    BuildEvents(String name, BuildListener listener) {
        this.name = name;
        this.listener = listener;
    }

    synchronized void statusChanged(CmdImageStatus status) {
        deliver("statusChanged", () -> listener.statusChanged(name, status));
    }

    synchronized void outputLine(StdStream stream, String line) {
        deliver("outputLine", () -> listener.outputLine(name, stream, line));
    }

    synchronized void stepStarted(BuildStep step, String detail) {
        deliver("stepStarted", () -> listener.stepStarted(name, step, detail));
    }

    synchronized void stepFinished(BuildStep step, String detail, Duration took) {
        deliver("stepFinished", () -> listener.stepFinished(name, step, detail, took));
    }

    synchronized void stepFailed(BuildStep step, String error, Duration took) {
        deliver("stepFailed", () -> listener.stepFailed(name, step, error, took));
    }

    synchronized void log(String message) {
        deliver("log", () -> listener.log(name, message));
    }

    /** Delivers the final status, then stops all further delivery. */
    synchronized void finish(CmdImageStatus finalStatus) {
        statusChanged(finalStatus);
        closed = true;
    }

    private void deliver(String what, Runnable call) {
        if (closed) {
            return;
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.debug("BuildListener.{} of build {} threw; ignored", what, name, e);
        }
    }
}
