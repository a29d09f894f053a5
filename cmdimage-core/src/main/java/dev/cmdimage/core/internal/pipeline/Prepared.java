package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.Redaction;
import java.nio.file.Path;
import java.util.Map;

/**
 * What step 3 and 4 decided: the expectation, where the command runs and with which environment.
 *
 * @param expectation what the command must produce
 * @param directory   the command's working directory (exists)
 * @param environment the command's complete environment
 */
record Prepared(Expectation expectation, Path directory, Map<String, String> environment) {

    /** Secret values of the environment are masked. */
    @Override
    public String toString() {
        return "Prepared[expectation=" + expectation + ", directory=" + directory + ", environment="
                + Redaction.envMap(environment) + "]";
    }
}
