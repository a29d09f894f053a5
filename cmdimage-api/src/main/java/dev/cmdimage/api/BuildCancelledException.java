package dev.cmdimage.api;

/** The build was cancelled; its process tree was killed. */
public class BuildCancelledException extends CmdImageException {
    /** @param message the sentence for a person, e.g. {@code build cancelled} */
    public BuildCancelledException(String message) {
        super(message);
    }
}
