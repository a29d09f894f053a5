package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.ControlCharacters;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes what happens during builds to stderr, one line per event, each prefixed {@code [<name>] }: the
 * commands' output, the steps, and each status change (printed once, whether the builder or the controller
 * reports it, also when they report it with different timestamps). Thread-safe; lines of different builds never interleave within a line.
 *
 * <p>How much it says follows the {@link Verbosity}. With colors, the {@code [<name>]} prefix has a color of its
 * own per CmdImage, errors are red and completed builds green; the colors are added after the text is escaped (see
 * {@link #escape}), so that nothing a file or a command says can color the terminal. On a terminal, the builds in
 * flight each have one status line at the bottom (a spinner, the elapsed time and the current step), redrawn as
 * time passes and erased before every other line; the step lines themselves are then only printed with
 * {@link Verbosity#VERBOSE}.
 */
final class StderrReporter implements BuildListener, CmdImageController.Listener, AutoCloseable {
    /** How much is said. */
    enum Verbosity {
        /** Only errors: builds completed with an error, problems with the input. */
        QUIET,
        /** The commands' output, the steps (unless a terminal shows them as status lines), the statuses. */
        NORMAL,
        /** Everything, steps and the library's diagnostics included. */
        VERBOSE
    }

    /** How often the status lines are redrawn on a terminal. */
    static final Duration TICK = Duration.ofMillis(250);
    private static final String RESET = "\u001b[0m";
    private static final String RED = "31";
    private static final String GREEN = "32";
    private static final String BOLD = "1";
    /** The colors of the {@code [<name>]} prefixes, handed out in the order names are first seen. */
    private static final String[] PALETTE = {"36", "35", "34", "33", "96", "95", "94", "93"};

    private final PrintStream err;
    private final Verbosity verbosity;
    private final boolean colors;
    private final StatusLines statusLines;
    private final ScheduledExecutorService ticker;
    private final Map<String, String> lastLine = new HashMap<>();
    private final Map<String, String> nameColors = new HashMap<>();

    /** Plain lines, as for a pipe or a file. */
    StderrReporter(PrintStream err) {
        this(err, Verbosity.NORMAL, false, false);
    }

    /**
     * @param terminal whether {@code err} is a terminal: then the builds in flight get status lines (not with
     *                 {@link Verbosity#QUIET}), redrawn by a thread of this reporter's until {@link #close()}
     */
    StderrReporter(PrintStream err, Verbosity verbosity, boolean colors, boolean terminal) {
        this.err = err;
        this.verbosity = verbosity;
        this.colors = colors;
        boolean live = terminal && verbosity != Verbosity.QUIET;
        this.statusLines = live ? new StatusLines() : null;
        this.ticker = live ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cmdimage-status-lines");
            t.setDaemon(true);
            return t;
        }) : null;
        if (ticker != null) {
            ticker.scheduleWithFixedDelay(this::redraw, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Gives the {@code [<name>]} prefixes their colors in this order (the CmdImages of the file, as written). */
    void names(List<String> names) {
        synchronized (nameColors) {
            names.forEach(this::colorOf);
        }
    }

    /** A line about the run as a whole (not about one CmdImage), prefixed {@code cmdimage: }. */
    void info(String message) {
        if (verbosity != Verbosity.QUIET) {
            print(null, message, null);
        }
    }

    /** A problem with the input: printed at every verbosity, as it is (it names its file and field). */
    void problem(String message) {
        print("", message, RED);
    }

    /** Every problem of {@code e}, one per line (see {@link #problem}). */
    void problems(UsageException e) {
        e.problems().forEach(this::problem);
    }

    /** A diagnostic of the library's, printed with {@link Verbosity#VERBOSE} only. */
    void debug(String message) {
        if (verbosity == Verbosity.VERBOSE) {
            print(null, "debug: " + message, null);
        }
    }

    /** A line about one object, prefixed {@code [<name>] }. */
    void about(String name, String message) {
        if (verbosity != Verbosity.QUIET) {
            print(name, message, null);
        }
    }

    @Override
    public void statusChanged(String name, CmdImageStatus status) {
        String line = describe(status);
        if (line == null) {
            return;
        }
        // the builder and the controller may each report the same state, with other timestamps
        synchronized (lastLine) {
            if (line.equals(lastLine.put(name, line))) {
                return;
            }
        }
        if (statusLines != null) {
            if (status.state() instanceof CmdImageStatus.Building) {
                statusLines.started(name);
            } else {
                statusLines.ended(name);
            }
        }
        if (status.isFailed()) {
            print(name, line, RED);
        } else if (verbosity != Verbosity.QUIET) {
            print(name, line, status.isSucceeded() ? GREEN : null);
        }
    }

    @Override
    public void changed(ApiObject object, boolean deleted) {
        if (deleted) {
            if (statusLines != null && object instanceof CmdImage) {
                statusLines.ended(object.name());
            }
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
        if (statusLines != null) {
            statusLines.step(name, step.label() + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        }
        if (showsSteps()) {
            about(name, step.label() + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        }
    }

    @Override
    public void stepFinished(String name, BuildStep step, String detail, Duration took) {
        if (showsSteps()) {
            about(name, step.label() + " done in " + seconds(took)
                    + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        }
    }

    @Override
    public void stepFailed(String name, BuildStep step, String error, Duration took) {
        if (verbosity != Verbosity.QUIET) {
            print(name, step.label() + " failed after " + seconds(took) + ": " + error, RED);
        }
    }

    @Override
    public void log(String name, String message) {
        about(name, message);
    }

    /**
     * Runs {@code write}, which writes elsewhere (stdout), with the status lines erased, and draws them again after:
     * on a terminal that shows stdout too, its lines then scroll above the status lines like stderr's.
     */
    void aside(Runnable write) {
        synchronized (err) {
            if (statusLines == null) {
                write.run();
                return;
            }
            StringBuilder sb = new StringBuilder();
            statusLines.erase(sb);
            err.print(sb);
            err.flush();
            write.run();
            sb.setLength(0);
            statusLines.draw(sb);
            err.print(sb);
            err.flush();
        }
    }

    /** Stops redrawing the status lines and erases them. */
    @Override
    public void close() {
        if (ticker == null) {
            return;
        }
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (err) {
            StringBuilder sb = new StringBuilder();
            statusLines.erase(sb);
            err.print(sb);
            err.flush();
        }
    }

    /** Whether step lines are printed: on a pipe at the normal verbosity, and always when verbose. */
    private boolean showsSteps() {
        return verbosity == Verbosity.VERBOSE || (verbosity == Verbosity.NORMAL && statusLines == null);
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
     * {@code text} with every control character except tab and newline written as an escape (see
     * {@link ControlCharacters#escape}). Applied to everything written to stderr, terminal or not.
     */
    static String escape(String text) {
        return ControlCharacters.escape(text);
    }

    /**
     * Prints every line of {@code message}, atomically, control characters escaped, prefixed {@code [<name>] } (for
     * {@code name} null: {@code cmdimage: }; empty: no prefix), in {@code color} (an SGR code, or {@code null}) when
     * colors are on; erases the status lines first and draws them again after.
     */
    private void print(String name, String message, String color) {
        String text = message == null ? "" : message;
        String prefix;
        if (name == null) {
            prefix = paint("cmdimage:", BOLD) + " ";
        } else if (name.isEmpty()) {
            prefix = "";
        } else {
            prefix = paint("[" + escape(name) + "]", colorOf(name)) + " ";
        }
        StringBuilder sb = new StringBuilder(prefix.length() + text.length() + 8);
        for (String line : text.split("\\R", -1)) {
            sb.append(prefix).append(paint(escape(line), color)).append(System.lineSeparator());
        }
        synchronized (err) {
            if (statusLines != null) {
                StringBuilder all = new StringBuilder();
                statusLines.erase(all);
                all.append(sb);
                statusLines.draw(all);
                err.print(all);
            } else {
                err.print(sb);
            }
            err.flush();
        }
    }

    /** Redraws the status lines (the spinner and the elapsed time move on). */
    private void redraw() {
        synchronized (err) {
            StringBuilder sb = new StringBuilder();
            if (statusLines.erase(sb) | statusLines.draw(sb)) {
                err.print(sb);
                err.flush();
            }
        }
    }

    /** {@code escaped} in the SGR color {@code code}, when colors are on and there is one. */
    private String paint(String escaped, String code) {
        return colors && code != null && !escaped.isEmpty() ? "\u001b[" + code + "m" + escaped + RESET : escaped;
    }

    /** The color of the prefix of {@code name}: the next of the palette the first time it is seen. */
    private String colorOf(String name) {
        synchronized (nameColors) {
            return nameColors.computeIfAbsent(name, n -> PALETTE[nameColors.size() % PALETTE.length]);
        }
    }

    /**
     * One line per build in flight, kept at the bottom of the terminal: {@code [<name>] - 12s run: running [...]}.
     * Guarded by {@code err}'s lock (its state changes under its own).
     */
    private final class StatusLines {
        private static final String SPINNER = "-\\|/";
        private final Map<String, Running> running = new LinkedHashMap<>();
        private int drawn;
        private int frame;

        private record Running(long startNanos, String step) {}

        void started(String name) {
            synchronized (running) {
                running.putIfAbsent(name, new Running(System.nanoTime(), "starting"));
            }
        }

        void step(String name, String step) {
            synchronized (running) {
                Running r = running.get(name);
                running.put(name, new Running(r == null ? System.nanoTime() : r.startNanos(), step));
            }
        }

        void ended(String name) {
            synchronized (running) {
                running.remove(name);
            }
        }

        /** Appends what moves the cursor back to the first status line and erases them; whether there were any. */
        boolean erase(StringBuilder sb) {
            if (drawn == 0) {
                return false;
            }
            sb.append("\r\u001b[").append(drawn).append("A\u001b[J");
            drawn = 0;
            return true;
        }

        /**
         * Appends the status lines, with line wrapping off so that each takes exactly one row (a long one is cut at
         * the edge of the terminal); whether there were any.
         */
        boolean draw(StringBuilder sb) {
            List<Map.Entry<String, Running>> now;
            synchronized (running) {
                now = new ArrayList<>(running.entrySet());
            }
            if (now.isEmpty()) {
                return false;
            }
            frame++;
            long nanos = System.nanoTime();
            sb.append("\u001b[?7l");
            for (Map.Entry<String, Running> e : now) {
                Running r = e.getValue();
                sb.append(paint("[" + escape(e.getKey()) + "]", colorOf(e.getKey()))).append(' ')
                        .append(SPINNER.charAt(frame % SPINNER.length())).append(' ')
                        .append(elapsed(Duration.ofNanos(nanos - r.startNanos()))).append(' ')
                        .append(escape(r.step())).append('\n');
            }
            sb.append("\u001b[?7h");
            drawn = now.size();
            return true;
        }
    }

    /** {@code 7s}, {@code 1m05s}, {@code 1h02m03s}. */
    static String elapsed(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
    }
}
