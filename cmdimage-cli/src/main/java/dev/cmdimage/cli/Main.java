package dev.cmdimage.cli;

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
 * The {@code cmdimage} command line: {@code build}, {@code validate} and {@code watch}.
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
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(Duration.class, text -> {
            try {
                return GoDuration.parse(text);
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
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("cmdimage: internal error: " + e);
            return BUILD_FAILED;
        });
        int status = cl.execute(args);
        cli.out().flush();
        cli.err().flush();
        return status;
    }

    /** The version of this build of cmdimage. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }

    @Command(name = "cmdimage", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Builds container images by running your own build command, verifies and retags them,"
                    + " pushes them where the cluster needs them, and prints their status (Tilt's CmdImage"
                    + " v1alpha1 API).",
            footerHeading = "%nExit status:%n",
            footer = {
                "  0  every build completed without error (validate: the file is valid)",
                "  1  a build completed with an error (its status is still printed)",
                "  2  unusable input or usage; nothing was run"},
            synopsisSubcommandLabel = "COMMAND")
    static final class Root implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            err.println("Missing command: build, validate or watch");
            spec.commandLine().usage(err);
            return USAGE;
        }
    }

    /** Prints {@code cmdimage <version>}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cmdimage " + version()};
        }
    }
}
