package dev.cmdimage.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cmdimage completion bash|zsh}: prints the shell completion script picocli generates for cmdimage. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = {"Prints the bash or zsh completion script for cmdimage.",
            "The script completes cmdimage's commands, options and their values. Source it: source <(cmdimage"
                + " completion bash) in ~/.bashrc, source <(cmdimage completion zsh) in ~/.zshrc. It completes the"
                + " command cmdimage: an alias or a script of that name that runs java -jar cmdimage.jar."},
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  the script is printed",
            "  2  usage"})
final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is made for. */
    enum Shell { bash, zsh }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "bash|zsh", description = "The shell: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    @Override
    public Integer call() {
        // picocli's script is one for both: under zsh it loads bashcompinit itself
        String script = AutoComplete.bash("cmdimage", spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
