package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.StdStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what happens during builds to stderr, one line per event, each prefixed {@code [<name>] }: the
 * commands' output, the steps, and each status change (printed once, whether the builder or the controller
 * reports it). Thread-safe; lines of different builds never interleave within a line.
 */
final class StderrReporter implements BuildListener, CmdImageController.Listener {
    private final PrintStream err;
    private final Map<String, CmdImageStatus> lastStatus = new HashMap<>();

    StderrReporter(PrintStream err) {
        this.err = err;
    }

    /** A line about the run as a whole (not about one CmdImage), prefixed {@code cmdimage: }. */
    void info(String message) {
        print("cmdimage: ", message);
    }

    /** A line about one object, prefixed {@code [<name>] }. */
    void about(String name, String message) {
        print("[" + name + "] ", message);
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
            about(name, line);
        }
    }

    @Override
    public void changed(ApiObject object, boolean deleted) {
        if (deleted) {
            about(object.name(), object.kind() + " deleted");
        } else if (object instanceof CmdImage image) {
            statusChanged(image.name(), image.status());
        }
    }

    @Override
    public void outputLine(String name, StdStream stream, String line) {
        about(name, line);
    }

    @Override
    public void stepStarted(String name, BuildStep step, String detail) {
        about(name, step.label() + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    }

    @Override
    public void stepFinished(String name, BuildStep step, String detail, Duration took) {
        about(name, step.label() + " done in " + seconds(took)
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    }

    @Override
    public void stepFailed(String name, BuildStep step, String error, Duration took) {
        about(name, step.label() + " failed after " + seconds(took) + ": " + error);
    }

    @Override
    public void log(String name, String message) {
        about(name, message);
    }

    /** One phrase for a status, or {@code null} for an object nobody has looked at yet. */
    static String describe(CmdImageStatus status) {
        if (status.isPending()) {
            return null;
        }
        CmdImageStatus.State state = status.state();
        if (state instanceof CmdImageStatus.Waiting w) {
            // the controller's reasons read "waiting for image map base"
            return w.reason() == null ? "waiting" : w.reason().startsWith("waiting") ? w.reason() : "waiting: " + w.reason();
        }
        if (state instanceof CmdImageStatus.Building b) {
            return "building" + (b.reason() == null ? "" : " (" + b.reason() + ")");
        }
        CmdImageStatus.Completed c = (CmdImageStatus.Completed) state;
        return c.error() == null ? "completed: " + status.ref() : "completed with error: " + c.error();
    }

    private static String seconds(Duration took) {
        if (took == null) {
            return "?";
        }
        return String.format(Locale.ROOT, "%.1fs", took.toMillis() / 1000.0);
    }

    /**
     * {@code text} with every control character except tab and newline written as an escape ({@code \x1b},
     * {@code \u009b}), so that what the file, the command or the registry says cannot move the cursor, recolour or
     * retitle the terminal, or hide a line. Applied to everything written to stderr, terminal or not.
     */
    static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f);
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (!control) {
                    sb.append(c);
                } else if (c <= 0x7f) {
                    sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                } else {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Prints every line of {@code message} with {@code prefix}, atomically, control characters escaped. */
    private void print(String prefix, String message) {
        String text = message == null ? "" : message;
        StringBuilder sb = new StringBuilder(prefix.length() + text.length() + 8);
        for (String line : text.split("\\R", -1)) {
            sb.append(escape(prefix)).append(escape(line)).append(System.lineSeparator());
        }
        synchronized (err) {
            err.print(sb);
            err.flush();
        }
    }
}
