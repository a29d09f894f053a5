package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.core.CmdImageCodec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cmdimage validate}: checks FILE as {@code build} would, without running anything. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Checks FILE as build would, without running anything, and lists every problem on stderr"
                + " with where it is and its field path, e.g. cmdimage.yaml: document 2 (CmdImage \"app\"):"
                + " spec.args: Required value",
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  FILE is valid",
            "  2  FILE is not usable (every problem is listed), or usage"})
final class ValidateCommand implements Callable<Integer> {
    private final Cli cli;

    @Parameters(paramLabel = "FILE", description = "YAML or JSON file; - for stdin.")
    String file;

    ValidateCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        FileInput input;
        try {
            input = FileInput.load(file, cli, CmdImageCodec.create());
        } catch (UsageException e) {
            FileInput.printProblems(e, cli);
            return Main.USAGE;
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ApiObject o : input.objects()) {
            counts.merge(o.kind(), 1, Integer::sum);
        }
        String summary = counts.isEmpty() ? "no objects"
                : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "));
        new StderrReporter(cli.err()).info(input.source() + " is valid: " + summary);
        return Main.OK;
    }
}
