package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.core.CmdImageCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
        Set<String> storeDown = new HashSet<>();
        if (store.unusable() != null) {
            input.cmdImages().stream().filter(FileInput::needsImageStore).forEach(c -> storeDown.add(c.name()));
        }
        List<ApiObject> result;
        try (Wiring wiring = Wiring.start(cli, store, input.baseDir(), options.timeout, reporter, reporter)) {
            CmdImageController controller = wiring.controller();
            for (ApiObject o : input.toApply()) {
                if (o instanceof CmdImage image && storeDown.contains(image.name())) {
                    MicroTime t = MicroTime.of(Instant.now());
                    reporter.statusChanged(image.name(), CmdImageStatus.failed(store.unusable(), null, t, t));
                    continue;
                }
                controller.apply(o);
            }
            boolean interrupted = !wiring.awaitIdle();
            result = input.result(o -> o instanceof CmdImage image && storeDown.contains(image.name())
                    ? failed(image, store.unusable())
                    : finalState(o, wiring, input, interrupted, reporter));
        }
        String text = output == OutputFormat.json ? codec.listToJson(result) : codec.listToYaml(result);
        cli.out().print(text.endsWith("\n") ? text : text + "\n");
        cli.out().flush();
        return exitStatus(result);
    }

    private static CmdImage failed(CmdImage image, String error) {
        MicroTime t = MicroTime.of(Instant.now());
        return image.withStatus(CmdImageStatus.failed(error, null, t, t));
    }

    /** What {@code o} is at the end of the run; a CmdImage that never left {@code waiting} gets an error. */
    private static ApiObject finalState(ApiObject o, Wiring wiring, FileInput input, boolean interrupted,
            StderrReporter reporter) {
        ApiObject now = wiring.current(o);
        if (now instanceof CmdImage image && !(image.status().state() instanceof CmdImageStatus.Completed)) {
            CmdImage ended = failed(image, interrupted ? "build cancelled" : neverStarted(image, input));
            reporter.statusChanged(ended.name(), ended.status());
            return ended;
        }
        return now;
    }

    /** Why a CmdImage still waits when nothing else can happen, naming what it waited for. */
    static String neverStarted(CmdImage image, FileInput input) {
        List<String> missing = new ArrayList<>();
        for (String name : image.spec().imageMaps()) {
            if (!input.keys().contains(ImageMap.KIND + "/" + name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            return "missing image map " + String.join(", ", missing) + ": the file neither gives an ImageMap nor"
                    + " builds a CmdImage of " + (missing.size() == 1 ? "that name" : "those names");
        }
        String reason = reasonOf(image.status());
        return "never started: " + (reason == null ? "it was still waiting" : "still " + reason)
                + " when nothing else could be built";
    }

    private static String reasonOf(CmdImageStatus status) {
        return status.state().reason();
    }

    /** 0 when every CmdImage completed without error, else 1. */
    static int exitStatus(List<ApiObject> result) {
        for (ApiObject o : result) {
            List<CmdImage> images = o instanceof CmdImage c ? List.of(c)
                    : o instanceof dev.cmdimage.api.CmdImageList l ? l.items() : List.of();
            for (CmdImage image : images) {
                if (!image.status().isSucceeded()) {
                    return Main.BUILD_FAILED;
                }
            }
        }
        return Main.OK;
    }
}
