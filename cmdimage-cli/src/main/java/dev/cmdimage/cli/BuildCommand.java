package dev.cmdimage.cli;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.core.CmdImageCodec;
import dev.cmdimage.core.CmdImageSetResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cmdimage build}: applies every object of FILE to a controller, waits until nothing more can be built,
 * and prints every object with its final status. The controller is the one {@code watch} uses, so the order,
 * the waiting and the cycle rules are the same; a CmdImage still waiting at the end can never start, and is
 * completed with an error naming what it waited for.
 */
@Command(name = "build", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Builds every CmdImage of FILE in dependency order and prints every object of FILE with"
                + " its final status, followed by the ImageMaps the builds created, as a List (apiVersion: v1,"
                + " kind: List). The commands' output and the build steps go to stderr, each line prefixed"
                + " [<name>].",
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  every build completed without error",
            "  1  a build completed with an error (its status is still printed)",
            "  2  unusable input or usage; nothing was run"})
final class BuildCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", defaultValue = "yaml",
            description = "Output format of the List on stdout: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Mixin
    BuildOptions options = new BuildOptions();

    @Parameters(paramLabel = "FILE", description = "YAML (one or more documents) or JSON holding CmdImage,"
            + " CmdImageList, ImageMap and Cluster objects; - for stdin.")
    String file;

    BuildCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        CmdImageCodec codec = CmdImageCodec.create();
        StderrReporter reporter = new StderrReporter(cli.err());
        FileInput input;
        try {
            input = FileInput.load(file, cli, codec);
        } catch (UsageException e) {
            FileInput.printProblems(e, cli);
            return Main.USAGE;
        }
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
        try (Wiring wiring = Wiring.start(cli, store, input.baseDir(), options.timeout, reporter, reporter,
                storeDown)) {
            result = buildAll(wiring, input, storeDown, reporter);
        }
        String text = output == OutputFormat.json ? codec.listToJson(result.objects())
                : codec.listToYaml(result.objects());
        cli.out().print(text.endsWith("\n") ? text : text + "\n");
        cli.out().flush();
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
