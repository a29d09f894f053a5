package dev.cmdimage.cli;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.core.CmdImageCodec;
import dev.cmdimage.core.CmdImageSetResult;
import dev.cmdimage.docker.ImageStoreChoice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cmdimage build}: applies every object of FILE (of every {@code -f FILE}, merged; only the named CmdImages
 * and what they need when names are given) to a controller, waits until nothing more can be built,
 * and prints every object with its final status. The controller is the one {@code watch} uses, so the order,
 * the waiting and the cycle rules are the same; a CmdImage still waiting at the end can never start, and is
 * completed with an error naming what it waited for.
 */
@Command(name = "build", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = {"Builds the CmdImages of FILE once and prints them with their final status.",
            "The CmdImages (only the named ones and the CmdImages they need, when NAMEs are given) build in"
                + " dependency order; then every object of FILE is printed with its final status, followed by the"
                + " ImageMaps the builds created, as a List (apiVersion: v1, kind: List). Several files (-f a -f b)"
                + " are one set: names are unique across them. The commands' output and the build steps go to"
                + " stderr, each line prefixed [<name>]."},
        footerHeading = "%nExit status:%n",
        footer = {
            "    0  every build completed without error",
            "    1  a build completed with an error (its status is still printed)",
            "    2  unusable input or usage; nothing was run",
            "  130  stopped by SIGINT (Ctrl-C); builds in flight are cancelled",
            "  143  stopped by SIGTERM; builds in flight are cancelled"})
final class BuildCommand implements Callable<Integer> {
    private final Cli cli;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", defaultValue = "yaml",
            description = "Output format of the List on stdout: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "A file of objects, as FILE (repeatable: the files are merged into one set; - for stdin)."
                    + " With -f, every argument is a NAME.")
    List<String> files = new ArrayList<>();

    @Mixin
    BuildOptions options = new BuildOptions();

    @Mixin
    ConsoleOptions console = new ConsoleOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "YAML (one or more documents) or"
            + " JSON holding CmdImage, CmdImageList, ImageMap, Cluster and FileWatch objects; - for stdin.")
    String file;

    @Parameters(index = "1..*", paramLabel = "NAME", description = "Build only these CmdImages, and the CmdImages"
            + " whose ImageMaps they name in spec.imageMaps (transitively); the List then holds only them.")
    List<String> names = new ArrayList<>();

    BuildCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        FileArgs args = FileArgs.of(spec, files, file, names, true);
        Integer parallelism = options.parallelism(spec);
        try (StderrReporter reporter = console.reporter(cli, spec)) {
            return console.run(reporter, () -> build(args, parallelism, reporter));
        }
    }

    private int build(FileArgs args, Integer parallelism, StderrReporter reporter) {
        CmdImageCodec codec = CmdImageCodec.create();
        FileInput input;
        try {
            input = FileInput.load(args.files(), cli, codec).select(args.names());
        } catch (UsageException e) {
            reporter.problems(e);
            return Main.USAGE;
        }
        reporter.names(input.cmdImages().stream().map(CmdImage::name).toList());
        ImageStoreChoice.Chosen store = options.chooseStore(input.needsImageStore(), cli, reporter);
        // with a store that does not answer, what needs it fails at once, naming the address tried
        Map<String, CmdImageStatus> storeDown = new LinkedHashMap<>();
        if (store.unusable() != null) {
            for (CmdImage image : input.cmdImages()) {
                if (FileInput.needsImageStore(image)) {
                    MicroTime t = MicroTime.of(Instant.now());
                    storeDown.put(image.name(), CmdImageStatus.failed(store.unusable(), null, t, t));
                }
            }
        }
        CmdImageSetResult result;
        try (Wiring wiring = Wiring.start(cli, store, input.baseDir(), options.timeout, parallelism, reporter,
                reporter, storeDown)) {
            result = buildAll(wiring, input, storeDown, reporter);
        }
        String text = output == OutputFormat.json ? codec.listToJson(result.objects())
                : codec.listToYaml(result.objects());
        reporter.aside(() -> {
            cli.out().print(text.endsWith("\n") ? text : text + "\n");
            cli.out().flush();
        });
        return result.succeeded() ? Main.OK : Main.BUILD_FAILED;
    }

    /**
     * Applies the objects of FILE, waits until nothing more can be built (or a signal or an interrupt cancels the
     * run, at any point, applying included), and says on stderr how each CmdImage that was ended here ended.
     */
    static CmdImageSetResult buildAll(Wiring wiring, FileInput input, Map<String, CmdImageStatus> storeDown,
            StderrReporter reporter) {
        storeDown.forEach(reporter::statusChanged);
        wiring.sync(input.set());
        wiring.awaitIdle();
        CmdImageSetResult result = wiring.result();
        // what never completed was ended by the set (cancelled, or never started): say so, once
        result.outcomes().forEach(o -> reporter.statusChanged(o.name(), o.status()));
        return result;
    }
}
