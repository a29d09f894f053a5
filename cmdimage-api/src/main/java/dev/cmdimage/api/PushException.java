package dev.cmdimage.api;

/** Pushing the image to a registry failed. The message names the ref and the registry's own words. */
public class PushException extends CmdImageException {
    private final String ref;

    public PushException(String message, String ref) {
        super(message);
        this.ref = ref;
    }

    public PushException(String message, String ref, Throwable cause) {
        super(message, cause);
        this.ref = ref;
    }

    /** The ref being pushed. */
    public String ref() {
        return ref;
    }
}
