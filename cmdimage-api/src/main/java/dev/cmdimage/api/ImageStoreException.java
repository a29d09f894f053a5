package dev.cmdimage.api;

/** The image store failed: unreachable, refused, corrupt content. The message names the store and the ref. */
public class ImageStoreException extends CmdImageException {
    public ImageStoreException(String message) {
        super(message);
    }

    public ImageStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
