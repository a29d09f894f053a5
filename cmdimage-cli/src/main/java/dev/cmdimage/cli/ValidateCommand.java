package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.core.CmdImageCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cmdimage validate}: checks FILE as {@code build} would, without running anything. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = {"Checks FILE without running anything.",
            "Checks FILE as build would, and lists every problem on stderr"
                + " with where it is and its field path, e.g. cmdimage.yaml: document 2 (CmdImage \"app\"):"
                + " spec.args: Required value"},
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  FILE is valid",
            "  2  FILE is not usable (every problem is listed), or usage"})
final class ValidateCommand implements Callable<Integer> {
    private final Cli cli;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "A file of objects, as FILE (repeatable: the files are checked as one set, names unique"
                    + " across them; - for stdin).")
    List<String> files = new ArrayList<>();

    @Mixin
    ConsoleOptions console = new ConsoleOptions();

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "YAML or JSON file; - for stdin.")
    String file;

    ValidateCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        FileArgs args = FileArgs.of(spec, files, file, List.of(), false);
        try (StderrReporter reporter = console.reporter(cli, spec)) {
            FileInput input;
            try {
                input = FileInput.load(args.files(), cli, CmdImageCodec.create());
            } catch (UsageException e) {
                reporter.problems(e);
                return Main.USAGE;
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (ApiObject o : input.objects()) {
                counts.merge(o.kind(), 1, Integer::sum);
            }
            String summary = counts.isEmpty() ? "no objects"
                    : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                            .collect(Collectors.joining(", "));
            reporter.info(input.source() + (args.files().size() == 1 ? " is" : " are") + " valid: " + summary);
            return Main.OK;
        }
    }
}
