package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.core.CmdImageCodec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cmdimage watch}: applies FILE to a controller, then re-applies it every time it changes on disk
 * (objects removed from the file are deleted), and prints every change of every object as it happens, until
 * SIGINT/SIGTERM (or, in-process, an interrupt) cancels the builds in flight.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Applies FILE, then re-applies it every time it changes on disk (objects removed from it"
                + " are deleted), and prints every object each time it changes: one JSON object per line with"
                + " -o json, YAML documents separated by --- otherwise. A CmdImage is rebuilt when its spec changes"
                + " or an ImageMap it depends on resolves to a new image. When FILE becomes invalid, its problems"
                + " are printed and the previous objects are kept. SIGINT/SIGTERM cancels the builds in flight and"
                + " exits.",
        footerHeading = "%nExit status:%n",
        footer = {
            "  2  FILE is not usable at the start, or usage",
            "  otherwise the status of a process stopped by the signal (130 for an interrupted in-process run)"})
final class WatchCommand implements Callable<Integer> {
    /** How often FILE is read to see whether it changed. */
    static final Duration POLL = Duration.ofMillis(250);
    /** The exit status when stopped (as a shell reports SIGINT). */
    static final int STOPPED = 130;

    private final Cli cli;

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", defaultValue = "yaml",
            description = "Output format of each changed object: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Mixin
    BuildOptions options = new BuildOptions();

    @Parameters(paramLabel = "FILE", description = "YAML or JSON file holding CmdImage, CmdImageList, ImageMap and"
            + " Cluster objects.")
    String file;

    WatchCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        if (FileInput.STDIN.equals(file)) {
            cli.err().println("cmdimage watch: FILE must be a file: stdin cannot be watched for changes");
            return Main.USAGE;
        }
        CmdImageCodec codec = CmdImageCodec.create();
        StderrReporter reporter = new StderrReporter(cli.err());
        FileInput input;
        String text;
        try {
            text = FileInput.readText(file, cli, true);
            input = FileInput.parse(file, text, cli, codec);
        } catch (UsageException e) {
            FileInput.printProblems(e, cli);
            return Main.USAGE;
        }
        // later versions of FILE may add CmdImages that need one, so a store is chosen whatever FILE holds now
        ImageStoreChoice.Chosen store = options.chooseStore(true, cli, reporter);
        CmdImageController.Listener printer = (object, deleted) -> {
            reporter.changed(object, deleted);
            if (!deleted) {
                print(codec, object);
            }
        };
        try (Wiring wiring = Wiring.start(cli, store, input.baseDir(), options.timeout, reporter, printer,
                Map.of())) {
            wiring.sync(input.set());
            String problemsShown = null;
            while (sleep()) {
                String now;
                try {
                    now = FileInput.readText(file, cli, true);
                } catch (UsageException e) {
                    problemsShown = showOnce(e, problemsShown, "; keeping the previous objects");
                    continue;
                }
                if (now.equals(text)) {
                    continue;
                }
                text = now;
                FileInput next;
                try {
                    next = FileInput.parse(file, now, cli, codec);
                } catch (UsageException e) {
                    reporter.info(input.source() + " changed but is not usable; keeping the previous objects:");
                    FileInput.printProblems(e, cli);
                    problemsShown = null;
                    continue;
                }
                problemsShown = null;
                reporter.info(input.source() + " changed; applying it");
                wiring.sync(next.set());
                input = next;
            }
        }
        return STOPPED;
    }

    private String showOnce(UsageException e, String shown, String suffix) {
        String text = String.join("\n", e.problems());
        if (!text.equals(shown)) {
            e.problems().forEach(p -> new StderrReporter(cli.err()).info(p + suffix));
        }
        return text;
    }

    private void print(CmdImageCodec codec, ApiObject object) {
        String text;
        if (output == OutputFormat.json) {
            text = codec.toJsonLine(object);
        } else {
            text = codec.toYaml(object);
            if (!text.startsWith("---")) {
                text = "---\n" + text;
            }
        }
        synchronized (cli.out()) {
            cli.out().print(text.endsWith("\n") ? text : text + "\n");
            cli.out().flush();
        }
    }

    /** Sleeps one poll interval; {@code false} when interrupted (stop). */
    private static boolean sleep() {
        try {
            Thread.sleep(POLL.toMillis());
            return !Thread.currentThread().isInterrupted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
