package dev.cmdimage.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands {@code watch} takes on its standard input, one per line: {@code rebuild NAME} rebuilds the CmdImage
 * NAME now (reason {@code triggered}), whether or not anything changed. Read without blocking: each {@link #poll()}
 * takes what has arrived, so that no thread waits on stdin (which cannot be interrupted). Lines longer than
 * {@value #MAX_LINE} characters are dropped.
 */
final class StdinCommands {
    static final int MAX_LINE = 4096;

    /** One command. */
    sealed interface Command permits Rebuild, Unknown {}

    /** {@code rebuild NAME}. */
    record Rebuild(String name) implements Command {}

    /** A line that is no command: {@code problem} says why. */
    record Unknown(String problem) implements Command {}

    private final InputStream in;
    private final StringBuilder partial = new StringBuilder();
    private boolean ended;

    StdinCommands(InputStream in) {
        this.in = in;
    }

    /** The commands of the complete lines that arrived since the last call (none when nothing arrived). */
    List<Command> poll() {
        List<Command> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        try {
            int available = in.available();
            if (available <= 0) {
                return out;
            }
            byte[] buf = in.readNBytes(Math.min(available, 64 * 1024));
            partial.append(new String(buf, StandardCharsets.UTF_8));
        } catch (IOException e) {
            ended = true; // stdin closed or unreadable: no more commands
            return out;
        }
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, nl).strip();
            partial.delete(0, nl + 1);
            if (!line.isEmpty()) {
                out.add(parse(line));
            }
        }
        if (partial.length() > MAX_LINE) {
            partial.setLength(0);
            out.add(new Unknown("a line of stdin longer than " + MAX_LINE + " characters was dropped"));
        }
        return out;
    }

    static Command parse(String line) {
        String[] words = line.strip().split("\\s+");
        if (words[0].equals("rebuild")) {
            if (words.length == 2) {
                return new Rebuild(words[1]);
            }
            return new Unknown("\"" + StderrReporter.escape(line) + "\": expected rebuild NAME (one CmdImage name)");
        }
        return new Unknown("unknown command \"" + StderrReporter.escape(line) + "\" on stdin: expected rebuild NAME");
    }
}
