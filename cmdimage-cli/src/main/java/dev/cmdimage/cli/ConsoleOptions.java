package dev.cmdimage.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options every command shares about stderr: how much it says, and whether in color. */
final class ConsoleOptions {
    /** {@code --color}. */
    enum ColorMode { auto, always, never }

    @Option(names = {"-v", "--verbose"},
            description = "Say more on stderr: every build step with its details (also on a terminal), and the"
                    + " library's diagnostics (lines prefixed cmdimage: debug:).")
    boolean verbose;

    @Option(names = {"-q", "--quiet"},
            description = "Say only what went wrong on stderr: builds that completed with an error, and problems"
                    + " with the input.")
    boolean quiet;

    @Option(names = "--color", paramLabel = "auto|always|never", defaultValue = "auto",
            description = "Color stderr: auto colors it when it is a terminal and NO_COLOR is not set (default:"
                    + " ${DEFAULT-VALUE}).")
    ColorMode color;

    /**
     * The reporter these options ask for, writing to {@code cli}'s stderr.
     *
     * @throws CommandLine.ParameterException for {@code -v} with {@code -q}
     */
    StderrReporter reporter(Cli cli, CommandLine.Model.CommandSpec spec) {
        if (verbose && quiet) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--verbose and --quiet cannot be used together");
        }
        StderrReporter.Verbosity verbosity = verbose ? StderrReporter.Verbosity.VERBOSE
                : quiet ? StderrReporter.Verbosity.QUIET : StderrReporter.Verbosity.NORMAL;
        boolean terminal = stderrIsTerminal(cli);
        return new StderrReporter(cli.err(), verbosity, colors(color, terminal, cli), terminal);
    }

    /** Runs {@code command}, with the library's diagnostics going to {@code reporter} while it runs when verbose. */
    int run(StderrReporter reporter, java.util.function.IntSupplier command) {
        if (!verbose) {
            return command.getAsInt();
        }
        StderrLogging.Registration diagnostics = StderrLogging.to(reporter::debug);
        try {
            return command.getAsInt();
        } finally {
            diagnostics.close();
        }
    }

    /**
     * Whether to color: {@code always} and {@code never} say so; {@code auto} colors a terminal unless
     * {@code NO_COLOR} is set to anything but the empty string (no-color.org).
     */
    static boolean colors(ColorMode mode, boolean terminal, Cli cli) {
        return switch (mode) {
            case always -> true;
            case never -> false;
            case auto -> terminal && cli.env().getOrDefault("NO_COLOR", "").isEmpty();
        };
    }

    /**
     * Whether stderr is a terminal that understands cursor movement: only when the command owns the JVM (in-process
     * callers pass their own streams), {@code TERM} is not {@code dumb}, and file descriptor 2 is a terminal device
     * (on Linux, read from /proc; elsewhere, when the JVM has a console, i.e. stdin and stdout are terminals).
     */
    static boolean stderrIsTerminal(Cli cli) {
        if (!cli.ownsJvm() || "dumb".equals(cli.env().get("TERM"))) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd2)) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
