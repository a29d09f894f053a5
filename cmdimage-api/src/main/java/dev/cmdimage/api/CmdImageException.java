package dev.cmdimage.api;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The root of every failure cmdimage reports. The message is a sentence for a person (it becomes
 * {@code status.completed.error}); it never contains a secret. Subtypes carry structured fields.
 */
public class CmdImageException extends Exception {
    /** Not serialized (the status types are not {@link java.io.Serializable}): a deserialized copy has none. */
    private transient volatile CmdImageStatus status;

    /** @param message the sentence for a person (never holding a secret) */
    public CmdImageException(String message) {
        super(message);
    }

    /**
     * @param message the sentence for a person (never holding a secret)
     * @param cause   the underlying failure, or {@code null}
     */
    public CmdImageException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * The build's final status, once the build has ended ({@code completed}, with the error); empty before, and on a
     * deserialized copy of this exception.
     */
    public Optional<CmdImageStatus> status() {
        return Optional.ofNullable(status);
    }

    /**
     * Records the final status of the build this exception ended; the pipeline calls this once, a later call
     * does nothing.
     *
     * @return this exception
     */
    public CmdImageException withStatus(CmdImageStatus finalStatus) {
        if (status == null) {
            status = finalStatus;
        }
        return this;
    }
}
