package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.core.CmdImageCodec;
import dev.cmdimage.docker.ImageStoreChoice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cmdimage watch}: applies FILE to a controller, then re-applies it every time it changes on disk
 * (objects removed from the file are deleted), and prints every change of every object as it happens, until
 * SIGINT/SIGTERM (or, in-process, an interrupt) cancels the builds in flight.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = {"Builds the CmdImages of FILE, and again whenever FILE changes, until stopped.",
            "It applies FILE, then re-applies it every time it changes on disk (objects removed from it"
                + " are deleted), and prints every object each time it changes: one JSON object per line with"
                + " -o json, YAML documents separated by --- otherwise. A CmdImage is rebuilt when its spec changes"
                + " or an ImageMap it depends on resolves to a new image. When FILE becomes invalid, its problems"
                + " are printed and the previous objects are kept. SIGINT/SIGTERM cancels the builds in flight and"
                + " exits.",
            "A CmdImage is also rebuilt when a file it depends on changes (annotations cmdimage.dev/deps and"
                + " cmdimage.dev/file-watches), and when a line \"rebuild NAME\" arrives on stdin."},
        footerHeading = "%nExit status:%n",
        footer = {
            "    2  FILE is not usable at the start, or usage",
            "  130  stopped by SIGINT (Ctrl-C), or in-process by an interrupt",
            "  143  stopped by SIGTERM; builds in flight are cancelled"})
final class WatchCommand implements Callable<Integer> {
    /** How often FILE is read to see whether it changed. */
    static final Duration POLL = Duration.ofMillis(250);
    /** The exit status of an interrupted in-process run (as a shell reports SIGINT). */
    static final int STOPPED = 130;

    private final Cli cli;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", defaultValue = "yaml",
            description = "Output format of each changed object: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "A file of objects, as FILE (repeatable: the files are one set, each watched; not stdin).")
    List<String> files = new ArrayList<>();

    @Mixin
    BuildOptions options = new BuildOptions();

    @Mixin
    ConsoleOptions console = new ConsoleOptions();

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "YAML or JSON file holding CmdImage,"
            + " CmdImageList, ImageMap, Cluster and FileWatch objects.")
    String file;

    WatchCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        FileArgs args = FileArgs.of(spec, files, file, List.of(), false);
        if (args.files().contains(FileInput.STDIN)) {
            throw new ParameterException(spec.commandLine(),
                    "FILE must be a file: stdin cannot be watched for changes");
        }
        Integer parallelism = options.parallelism(spec);
        try (StderrReporter reporter = console.reporter(cli, spec)) {
            return console.run(reporter, () -> watch(args.files(), parallelism, reporter));
        }
    }

    private int watch(List<String> files, Integer parallelism, StderrReporter reporter) {
        CmdImageCodec codec = CmdImageCodec.create();
        FileInput input;
        Map<String, String> texts;
        try {
            texts = readAll(files);
            input = FileInput.parse(texts, cli, codec);
        } catch (UsageException e) {
            reporter.problems(e);
            return Main.USAGE;
        }
        reporter.names(input.cmdImages().stream().map(CmdImage::name).toList());
        // later versions of FILE may add CmdImages that need one, so a store is chosen whatever FILE holds now
        ImageStoreChoice.Chosen store = options.chooseStore(true, cli, reporter);
        CmdImageController.Listener printer = (object, deleted) -> {
            reporter.changed(object, deleted);
            if (!deleted) {
                reporter.aside(() -> print(codec, object));
            }
        };
        try (Wiring wiring = Wiring.start(cli, store, input.baseDir(), options.timeout, parallelism, reporter,
                printer, Map.of())) {
            wiring.watchFiles();
            wiring.sync(input.set());
            String problemsShown = null;
            StdinCommands commands = new StdinCommands(cli.in());
            while (sleep()) {
                commands.poll().forEach(c -> run(c, wiring, reporter));
                Map<String, String> now;
                try {
                    now = readAll(files);
                } catch (UsageException e) {
                    problemsShown = showOnce(e, problemsShown, "; keeping the previous objects", reporter);
                    continue;
                }
                if (now.equals(texts)) {
                    continue;
                }
                String changed = changed(texts, now);
                texts = now;
                FileInput next;
                try {
                    next = FileInput.parse(now, cli, codec);
                } catch (UsageException e) {
                    reporter.info(changed + " changed but is not usable; keeping the previous objects:");
                    reporter.problems(e);
                    problemsShown = null;
                    continue;
                }
                problemsShown = null;
                reporter.info(changed + " changed; applying it");
                wiring.sync(next.set());
                input = next;
            }
        }
        return STOPPED;
    }

    /** The files whose text differs, comma-separated. */
    private static String changed(Map<String, String> before, Map<String, String> now) {
        return String.join(", ", now.keySet().stream()
                .filter(f -> !Objects.equals(now.get(f), before.get(f))).map(FileInput::sourceName).toList());
    }

    /** The text of every file, in order. */
    private Map<String, String> readAll(List<String> files) throws UsageException {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String f : files) {
            texts.put(f, FileInput.readText(f, cli, true));
        }
        return texts;
    }

    private static String showOnce(UsageException e, String shown, String suffix, StderrReporter reporter) {
        String text = String.join("\n", e.problems());
        if (!text.equals(shown)) {
            e.problems().forEach(p -> reporter.problem("cmdimage: " + p + suffix));
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

    /** A line of stdin: {@code rebuild NAME} rebuilds that CmdImage now; anything else is explained on stderr. */
    private static void run(StdinCommands.Command command, Wiring wiring, StderrReporter reporter) {
        if (command instanceof StdinCommands.Rebuild r) {
            if (!wiring.rebuild(r.name())) {
                reporter.info("rebuild: no CmdImage named \"" + StderrReporter.escape(r.name()) + "\"");
            }
        } else if (command instanceof StdinCommands.Unknown u) {
            reporter.info(u.problem());
        }
    }
}
