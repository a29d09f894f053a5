package dev.cmdimage.cli;

import dev.cmdimage.core.GoDurations;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cmdimage} command line: {@code build}, {@code validate} and {@code watch}, with {@code help} and
 * {@code completion}.
 *
 * <p>Exit status: 0 when every build completed without error, 1 when a build completed with an error,
 * 2 for unusable input or usage (nothing is run).
 */
public final class Main {
    /** Every build completed without error (or the input is valid). */
    public static final int OK = 0;
    /** At least one build completed with an error. */
    public static final int BUILD_FAILED = 1;
    /** The input or the command line is not usable; nothing was run. */
    public static final int USAGE = 2;

    private Main() {}

    /** Runs the command line and exits the JVM with its exit status. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                StandardCharsets.UTF_8);
        int status = run(new Cli(System.in, out, err, Path.of(""), System.getenv(), true), args);
        out.flush();
        err.flush();
        SignalGuard.programDone();
        System.exit(status);
    }

    /**
     * Runs the command line in this JVM, as {@code java -jar cmdimage.jar args...} would, without installing
     * a shutdown hook (interrupt the calling thread to cancel).
     *
     * @return the exit status
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(new Cli(in, out, err, Path.of(""), System.getenv(), false), args);
    }

    static int run(Cli cli, String... args) {
        CommandLine cl = new CommandLine(new Root());
        cl.addSubcommand("build", new BuildCommand(cli));
        cl.addSubcommand("validate", new ValidateCommand(cli));
        cl.addSubcommand("watch", new WatchCommand(cli));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.addSubcommand("completion", new CompletionCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(Duration.class, text -> {
            try {
                return GoDurations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.registerConverter(ImageStoreOption.class, text -> {
            try {
                return ImageStoreOption.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.setOut(new PrintWriter(cli.out(), true));
        cl.setErr(new PrintWriter(cli.err(), true));
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("cmdimage: internal error: " + e);
            return BUILD_FAILED;
        });
        int status = cl.execute(args);
        cli.out().flush();
        cli.err().flush();
        return status;
    }

    /**
     * A usage error: one line saying what is wrong (with picocli's suggestions for a mistyped option or command),
     * one naming the help, exit status 2; not the whole help.
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        String command = cl.getCommandSpec().qualifiedName(); // cmdimage, cmdimage build, ...
        PrintWriter err = cl.getErr();
        err.println(StderrReporter.escape(command + ": " + message).replace('\n', ' '));
        err.println("See '" + command + " --help'.");
        err.flush();
        return USAGE;
    }

    /** The version of this build of cmdimage. */
    static String version() {
        return buildInfo("version.properties").getProperty("version", "unknown");
    }

    /** {@code git rev-parse --short HEAD} when this cmdimage was built, or {@code unknown} (not built from git). */
    static String commit() {
        String commit = buildInfo("version.properties").getProperty("commit", "").strip();
        return commit.isEmpty() || commit.startsWith("${") ? "unknown" : commit;
    }

    /** When this cmdimage was built (UTC, to the second), or {@code unknown}. */
    static String buildDate() {
        String date = buildInfo("version.properties").getProperty("buildDate", "").strip();
        return date.isEmpty() || date.startsWith("${") ? "unknown" : date;
    }

    private static Properties buildInfo(String resource) {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return p;
    }

    @Command(name = "cmdimage", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Builds container images by running your own build command, verifies and retags them,"
                    + " pushes them where the cluster needs them, and prints their status (Tilt's CmdImage"
                    + " v1alpha1 API).",
            footerHeading = "%nExit status:%n",
            footer = {
                "    0  every build completed without error (validate: the file is valid)",
                "    1  a build completed with an error (its status is still printed)",
                "    2  unusable input or usage; nothing was run",
                "  130  stopped by SIGINT (Ctrl-C)",
                "  143  stopped by SIGTERM"},
            synopsisSubcommandLabel = "COMMAND")
    static final class Root implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing command: build, validate, watch, help or completion");
        }
    }

    /** Prints {@code cmdimage <version>}, then the git commit and the date it was built from. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cmdimage " + version(), "commit: " + commit(), "built:  " + buildDate()};
        }
    }
}
