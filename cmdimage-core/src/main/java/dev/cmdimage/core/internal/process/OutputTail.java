package dev.cmdimage.core.internal.process;

import java.util.ArrayDeque;
import java.util.List;

/** The last lines of a command's output, stdout and stderr interleaved as read; bounded to a number of lines. */
public final class OutputTail {
    private final int capacity;
    private final ArrayDeque<String> lines;

    /** @param capacity how many lines to keep (0 keeps none) */
    public OutputTail(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(Math.min(capacity, 64));
    }

    /** Adds a line, dropping the oldest when full. */
    public synchronized void add(String line) {
        if (capacity == 0) {
            return;
        }
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    /** The lines kept, oldest first. */
    public synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }
}
