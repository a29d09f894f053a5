package dev.cmdimage.api;

import org.jspecify.annotations.Nullable;

/** Pushing the image to a registry failed. The message names the ref and the registry's own words. */
public class PushException extends CmdImageException {
    private final String ref;

    /**
     * @param message the sentence for a person, naming the ref and the registry's own words
     * @param ref     the ref being pushed (familiar form)
     */
    public PushException(String message, String ref) {
        super(message);
        this.ref = ref;
    }

    /**
     * @param message the sentence for a person, naming the ref and the registry's own words
     * @param ref     the ref being pushed (familiar form)
     * @param cause   the underlying failure, or {@code null}
     */
    public PushException(String message, String ref, @Nullable Throwable cause) {
        super(message, cause);
        this.ref = ref;
    }

    /** The ref being pushed. */
    public String ref() {
        return ref;
    }
}
