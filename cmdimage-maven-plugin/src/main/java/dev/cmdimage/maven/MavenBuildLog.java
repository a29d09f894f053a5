package dev.cmdimage.maven;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.ControlCharacters;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.maven.plugin.logging.Log;

/**
 * Build events as lines of Maven's log, each prefixed {@code [<name>] }: the commands' output, status changes and
 * the library's lines for people at INFO; the steps (started, done, with their details) at DEBUG ({@code mvn -X});
 * a failed step at WARN. Control characters are written as escapes, so that a command's output cannot move the
 * cursor or hide a line. Thread-safe.
 */
final class MavenBuildLog implements BuildListener {
    private final Log log;
    private final Map<String, CmdImageStatus> lastStatus = new HashMap<>();

    MavenBuildLog(Log log) {
        this.log = log;
    }

    @Override
    public void statusChanged(String name, CmdImageStatus status) {
        synchronized (lastStatus) {
            if (status.equals(lastStatus.put(name, status))) {
                return;
            }
        }
        String line = describe(status);
        if (line != null) {
            log.info(line(name, line));
        }
    }

    /** A line ending in a carriage return (progress output, Windows line ends) is printed without it. */
    @Override
    public void outputLine(String name, StdStream stream, String line) {
        log.info(line(name, line != null && line.endsWith("\r") ? line.substring(0, line.length() - 1) : line));
    }

    @Override
    public void stepStarted(String name, BuildStep step, String detail) {
        if (log.isDebugEnabled()) {
            log.debug(line(name, step.label() + (detail == null || detail.isEmpty() ? "" : ": " + detail)));
        }
    }

    @Override
    public void stepFinished(String name, BuildStep step, String detail, Duration took) {
        if (log.isDebugEnabled()) {
            log.debug(line(name, step.label() + " done in " + seconds(took)
                    + (detail == null || detail.isEmpty() ? "" : ": " + detail)));
        }
    }

    /** Only the error's first line: the whole of it ends the Maven build (see {@link FailureReport}). */
    @Override
    public void stepFailed(String name, BuildStep step, String error, Duration took) {
        log.warn(line(name, step.label() + " failed after " + seconds(took) + ": " + firstLine(error)));
    }

    @Override
    public void log(String name, String message) {
        for (String l : String.valueOf(message).split("\\R")) {
            log.info(line(name, l));
        }
    }

    /** One phrase for a status, or {@code null} for one not worth a line (pending, building). */
    static String describe(CmdImageStatus status) {
        if (status.isPending()) {
            return null;
        }
        CmdImageStatus.State state = status.state();
        if (state instanceof CmdImageStatus.Waiting w) {
            return w.reason() == null ? "waiting"
                    : w.reason().startsWith("waiting") ? w.reason() : "waiting: " + w.reason();
        }
        if (state instanceof CmdImageStatus.Building) {
            return "building";
        }
        CmdImageStatus.Completed c = (CmdImageStatus.Completed) state;
        return c.error() == null ? "completed: " + status.ref() : "completed with error: " + firstLine(c.error());
    }

    /** {@code [name] text}, control characters escaped, several lines joined by escaped newlines. */
    static String line(String name, String text) {
        return escape("[" + name + "] " + (text == null ? "" : text));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String seconds(Duration took) {
        return took == null ? "?" : String.format(Locale.ROOT, "%.1fs", took.toMillis() / 1000.0);
    }

    /** {@code text} with every control character but tab written as an escape (see {@link ControlCharacters}). */
    static String escape(String text) {
        return ControlCharacters.escapeLine(text);
    }
}
