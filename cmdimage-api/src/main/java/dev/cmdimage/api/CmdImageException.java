package dev.cmdimage.api;

import dev.cmdimage.api.internal.FinalStatus;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The root of every failure cmdimage reports. The message is a sentence for a person (it becomes
 * {@code status.completed.error}); it never contains a secret. Subtypes carry structured fields.
 */
public class CmdImageException extends Exception {
    static {
        FinalStatus.install(CmdImageException::recordStatus);
    }

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
     * The build's final status, once the build has ended ({@code completed}, with the error); empty before, on a
     * deserialized copy of this exception, and on exceptions that did not end a build of cmdimage's own builder.
     */
    public Optional<CmdImageStatus> status() {
        return Optional.ofNullable(status);
    }

    /**
     * Records the final status of the build this exception ended, once; a later call does nothing. Not public: the
     * pipeline reaches it through {@link FinalStatus}, so that nobody else can change what {@link #status()} says.
     */
    void recordStatus(CmdImageStatus finalStatus) {
        if (status == null) {
            status = finalStatus;
        }
    }
}
