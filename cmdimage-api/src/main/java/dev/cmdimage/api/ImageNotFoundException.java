package dev.cmdimage.api;

import org.jspecify.annotations.Nullable;

/** The command ended but the image it should have built is not in the image store. */
public class ImageNotFoundException extends CmdImageException {
    private final String expectedRef;

    /**
     * @param message     the sentence for a person: {@code Could not find image in Docker}, the hint, the cause
     * @param expectedRef the ref that was looked for (familiar form)
     * @param cause       the image store's failure, or {@code null} when the store simply has no such image
     */
    public ImageNotFoundException(String message, String expectedRef, @Nullable Throwable cause) {
        super(message, cause);
        this.expectedRef = expectedRef;
    }

    /** The ref that was looked for. */
    public String expectedRef() {
        return expectedRef;
    }
}
