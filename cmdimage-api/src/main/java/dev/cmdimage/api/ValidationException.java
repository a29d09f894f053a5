package dev.cmdimage.api;

import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The input is not usable; nothing was run. Lists every problem at once. */
public class ValidationException extends CmdImageException {
    private final List<Problem> problems;

    /**
     * @param subject what was validated, e.g. {@code CmdImage "app"} (may be {@code null})
     * @param problems every problem found (at least one)
     */
    public ValidationException(@Nullable String subject, List<Problem> problems) {
        super((subject == null ? "" : subject + " is invalid: ")
                + problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found. */
    public List<Problem> problems() {
        return problems;
    }
}
