package dev.cmdimage.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "placeholder")
final class ValidateCommand implements Callable<Integer> {
    private final Cli cli;

    ValidateCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        cli.err().println("not yet");
        return 1;
    }
}
