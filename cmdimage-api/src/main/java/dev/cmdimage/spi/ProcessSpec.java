package dev.cmdimage.spi;

import dev.cmdimage.api.Redaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A command to run.
 *
 * @param command     the argv (never run through a shell unless it says so)
 * @param directory   the working directory (must exist)
 * @param environment the complete environment of the command (nothing is inherited besides this)
 * @param timeout     the longest it may run, or {@code null} for no limit
 * @param killGrace   how long the process tree has after SIGTERM before SIGKILL
 */
public record ProcessSpec(
        List<String> command,
        Path directory,
        Map<String, String> environment,
        @Nullable Duration timeout,
        Duration killGrace) {

    /** The grace period used when none is given. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);

    /**
     * Copies the command and the environment (both required); a {@code null} {@code killGrace} means
     * {@link #DEFAULT_KILL_GRACE}.
     *
     * @throws IllegalArgumentException when the command is empty
     */
    public ProcessSpec {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        Objects.requireNonNull(directory, "directory");
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        killGrace = killGrace == null ? DEFAULT_KILL_GRACE : killGrace;
    }

    /** Environment values of secret-looking keys are masked. */
    @Override
    public String toString() {
        return "ProcessSpec[command=" + command + ", directory=" + directory + ", environment="
                + Redaction.envMap(environment) + ", timeout=" + timeout + ", killGrace=" + killGrace + "]";
    }
}
