package dev.cmdimage.core.internal.process;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines of a command's output, stdout and stderr interleaved as read: at most {@code capacity} lines, and,
 * when a line length is given, at most that many characters each (a longer line is cut and ends with {@code …}).
 * Bounded whatever the command prints. Thread-safe: the two reader threads of a command add to one tail.
 */
public final class OutputTail {
    private final int capacity;
    private final int maxLineLength;
    private final ArrayDeque<String> lines;

    /** @param capacity how many lines to keep (0 keeps none); lines are kept whole */
    public OutputTail(int capacity) {
        this(capacity, Integer.MAX_VALUE);
    }

    /**
     * @param capacity      how many lines to keep (0 keeps none)
     * @param maxLineLength how many characters of a line to keep (positive)
     */
    public OutputTail(int capacity, int maxLineLength) {
        if (capacity < 0 || maxLineLength <= 0) {
            throw new IllegalArgumentException("capacity " + capacity + " and maxLineLength " + maxLineLength);
        }
        this.capacity = capacity;
        this.maxLineLength = maxLineLength;
        this.lines = new ArrayDeque<>(Math.min(capacity, 64));
    }

    /** Adds a line (cut to the line length), dropping the oldest when full. */
    public synchronized void add(String line) {
        if (capacity == 0) {
            return;
        }
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line.length() > maxLineLength ? line.substring(0, maxLineLength) + "…" : line);
    }

    /** The lines kept, oldest first. */
    public synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }
}
