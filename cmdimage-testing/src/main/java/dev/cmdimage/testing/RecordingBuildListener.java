package dev.cmdimage.testing;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.StdStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link BuildListener} that records every callback, in order, for assertions. Thread-safe.
 *
 * <pre>{@code
 * assertThat(listener.stepSequence()).containsExactly("+validate", "=validate", "+resolve", ...);
 * assertThat(listener.unpairedSteps()).isEmpty();
 * assertThat(listener.statuses()).hasSize(2);
 * }</pre>
 */
public final class RecordingBuildListener implements BuildListener {
    private final List<Event> events = new CopyOnWriteArrayList<>();

    /** Every callback, in order. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Every status reported, in order. */
    public List<CmdImageStatus> statuses() {
        return events.stream().filter(e -> e.kind() == Kind.STATUS).map(Event::status).toList();
    }

    /** The text of every output line, in order. */
    public List<String> outputLines() {
        return events.stream().filter(e -> e.kind() == Kind.OUTPUT).map(Event::text).toList();
    }

    /** Every log line, in order. */
    public List<String> logs() {
        return events.stream().filter(e -> e.kind() == Kind.LOG).map(Event::text).toList();
    }

    /**
     * The step callbacks as short strings, in order: {@code +label} started, {@code =label} finished,
     * {@code !label} failed (labels as {@link BuildStep#label()}).
     */
    public List<String> stepSequence() {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            switch (e.kind()) {
                case STEP_STARTED -> out.add("+" + e.step().label());
                case STEP_FINISHED -> out.add("=" + e.step().label());
                case STEP_FAILED -> out.add("!" + e.step().label());
                default -> { }
            }
        }
        return out;
    }

    /** The event of the given kind for {@code step}, or {@code null}. */
    public Event stepEvent(Kind kind, BuildStep step) {
        return events.stream().filter(e -> e.kind() == kind && e.step() == step).findFirst().orElse(null);
    }

    /**
     * What is wrong with the pairing of step callbacks: a step finished or failed without having started, started
     * twice, or never ended. Empty when every start is followed by exactly one finish or failure before the next
     * start.
     */
    public List<String> unpairedSteps() {
        List<String> problems = new ArrayList<>();
        BuildStep open = null;
        for (Event e : events) {
            switch (e.kind()) {
                case STEP_STARTED -> {
                    if (open != null) {
                        problems.add(e.step() + " started while " + open + " had not ended");
                    }
                    open = e.step();
                }
                case STEP_FINISHED, STEP_FAILED -> {
                    if (open != e.step()) {
                        problems.add(e.step() + " ended without having started");
                    }
                    open = null;
                }
                default -> { }
            }
        }
        if (open != null) {
            problems.add(open + " never ended");
        }
        return problems;
    }

    @Override
    public void statusChanged(String name, CmdImageStatus status) {
        events.add(new Event(Kind.STATUS, name, null, null, null, status, null));
    }

    @Override
    public void outputLine(String name, StdStream stream, String line) {
        events.add(new Event(Kind.OUTPUT, name, null, stream, line, null, null));
    }

    @Override
    public void stepStarted(String name, BuildStep step, String detail) {
        events.add(new Event(Kind.STEP_STARTED, name, step, null, detail, null, null));
    }

    @Override
    public void stepFinished(String name, BuildStep step, String detail, Duration took) {
        events.add(new Event(Kind.STEP_FINISHED, name, step, null, detail, null, took));
    }

    @Override
    public void stepFailed(String name, BuildStep step, String error, Duration took) {
        events.add(new Event(Kind.STEP_FAILED, name, step, null, error, null, took));
    }

    @Override
    public void log(String name, String message) {
        events.add(new Event(Kind.LOG, name, null, null, message, null, null));
    }

    /** Which callback an {@link Event} records. */
    public enum Kind { STATUS, OUTPUT, STEP_STARTED, STEP_FINISHED, STEP_FAILED, LOG }

    /**
     * One callback.
     *
     * @param kind   which callback
     * @param name   the CmdImage's name
     * @param step   the step, for step callbacks
     * @param stream the stream, for output lines
     * @param text   the detail, error, line or log message
     * @param status the status, for status changes
     * @param took   the duration, for finished and failed steps
     */
    public record Event(Kind kind, String name, BuildStep step, StdStream stream, String text, CmdImageStatus status,
            Duration took) {
        @Override
        public String toString() {
            return switch (kind) {
                case STATUS -> "status " + name + " " + status;
                case OUTPUT -> "output " + name + " " + stream + " " + text;
                case STEP_STARTED -> "started " + name + " " + step + ": " + text;
                case STEP_FINISHED -> "finished " + name + " " + step + ": " + text;
                case STEP_FAILED -> "failed " + name + " " + step + ": " + text;
                case LOG -> "log " + name + " " + text;
            };
        }
    }

    /** The events as one printable map of kind to count, handy in failure messages. */
    public Map<Kind, Long> counts() {
        Map<Kind, Long> counts = new java.util.EnumMap<>(Kind.class);
        for (Event e : events) {
            counts.merge(e.kind(), 1L, Long::sum);
        }
        return counts;
    }
}
