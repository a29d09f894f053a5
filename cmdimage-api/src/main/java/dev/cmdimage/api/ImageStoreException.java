package dev.cmdimage.api;

import org.jspecify.annotations.Nullable;

/** The image store failed: unreachable, refused, corrupt content. The message names the store and the ref. */
public class ImageStoreException extends CmdImageException {
    /** @param message the sentence for a person, naming the store and the ref */
    public ImageStoreException(String message) {
        super(message);
    }

    /**
     * @param message the sentence for a person, naming the store and the ref
     * @param cause   the underlying failure, or {@code null}
     */
    public ImageStoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
