package dev.cmdimage.api;

/** The command ended but the image it should have built is not in the image store. */
public class ImageNotFoundException extends CmdImageException {
    private final String expectedRef;

    public ImageNotFoundException(String message, String expectedRef, Throwable cause) {
        super(message, cause);
        this.expectedRef = expectedRef;
    }

    /** The ref that was looked for. */
    public String expectedRef() {
        return expectedRef;
    }
}
