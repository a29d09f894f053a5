package dev.cmdimage.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command runs with: its streams, its working directory, its environment, and whether it runs as the
 * JVM's main program (then SIGINT/SIGTERM stop it through a shutdown hook).
 *
 * @param in           stdin (read for {@code FILE -})
 * @param out          stdout: objects only
 * @param err          stderr: build output, steps, problems
 * @param cwd          the working directory (absolute)
 * @param env          the environment the commands start from
 * @param ownsJvm      whether to install a shutdown hook that cancels the builds when the JVM is stopped
 */
record Cli(InputStream in, PrintStream out, PrintStream err, Path cwd, Map<String, String> env, boolean ownsJvm) {
    Cli {
        cwd = cwd.toAbsolutePath().normalize();
        env = Map.copyOf(env);
    }

    /** Does not print the environment: it is the user's whole environment, secrets included. */
    @Override
    public String toString() {
        return "Cli[cwd=" + cwd + ", env=" + env.size() + " variables, ownsJvm=" + ownsJvm + "]";
    }
}
