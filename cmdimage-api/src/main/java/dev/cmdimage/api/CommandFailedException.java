package dev.cmdimage.api;

import java.util.List;

/** The user's command exited with a non-zero status. */
public class CommandFailedException extends CmdImageException {
    private final String command;
    private final int exitCode;
    private final List<String> outputTail;

    /**
     * @param message    the sentence for a person: {@code Custom build "<command>" failed: exit status <n>}, then
     *                   the last lines of output
     * @param command    the command as shown to people (see {@link #command()})
     * @param exitCode   the exit status
     * @param outputTail the last lines the command printed (secret values already masked)
     */
    public CommandFailedException(String message, String command, int exitCode, List<String> outputTail) {
        super(message);
        this.command = command;
        this.exitCode = exitCode;
        this.outputTail = List.copyOf(outputTail);
    }

    /** The command as shown to people: the script of {@code sh -c <script>}, else the args joined by spaces. */
    public String command() {
        return command;
    }

    /** The exit status. */
    public int exitCode() {
        return exitCode;
    }

    /** The last lines the command printed (bounded). */
    public List<String> outputTail() {
        return outputTail;
    }
}
