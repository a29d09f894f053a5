package dev.cmdimage.core.internal.pipeline;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@code n} lines a command printed, for error messages. Bounded whatever the command prints: at most
 * {@code n} lines of at most {@value #MAX_LINE} characters each.
 */
final class OutputTail {
    static final int MAX_LINE = 500;

    private final int capacity;
    private final ArrayDeque<String> lines;

    OutputTail(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(Math.min(capacity, 64));
    }

    synchronized void add(String line) {
        if (capacity == 0) {
            return;
        }
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
