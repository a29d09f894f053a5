package dev.cmdimage.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The files and names of a command line: {@code FILE [NAME...]}, or {@code -f FILE... [NAME...]} (then every
 * argument is a name), as {@code kubectl apply -f} and {@code tilt --file} have it.
 *
 * @param files the files, in order ({@code -} for stdin)
 * @param names the CmdImages named, in order (empty: all)
 */
record FileArgs(List<String> files, List<String> names) {
    FileArgs {
        files = List.copyOf(files);
        names = List.copyOf(names);
    }

    /**
     * @param dashF        the {@code -f} values
     * @param first        the first argument, or {@code null}
     * @param rest         the arguments after it
     * @param namesAllowed whether the command takes names
     * @throws CommandLine.ParameterException when no file is given, stdin is given twice, or names where the
     *                                        command takes none
     */
    static FileArgs of(CommandSpec spec, List<String> dashF, String first, List<String> rest, boolean namesAllowed) {
        List<String> files = new ArrayList<>(dashF);
        List<String> names = new ArrayList<>();
        if (first != null) {
            (files.isEmpty() ? files : names).add(first);
        }
        names.addAll(rest);
        if (files.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing FILE: give it as the first argument or with -f FILE");
        }
        if (files.stream().filter(FileInput.STDIN::equals).count() > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "stdin (-) can be read only once");
        }
        if (!namesAllowed && !names.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Unexpected argument" + (names.size() == 1 ? " " : "s ") + String.join(" ", names)
                            + ": " + spec.name() + " takes no names; give more files with -f FILE");
        }
        return new FileArgs(files, names);
    }
}
