package dev.cmdimage.cli;

import java.util.List;

/** The input or the command line is not usable (exit status 2); each line is one problem for stderr. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    UsageException(String problem) {
        this(List.of(problem));
    }

    UsageException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    List<String> problems() {
        return problems;
    }
}
