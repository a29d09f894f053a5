package dev.cmdimage.api;

/** The build was cancelled; its process tree was killed. */
public class BuildCancelledException extends CmdImageException {
    public BuildCancelledException(String message) {
        super(message);
    }
}
