package dev.cmdimage.api;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** The ref file ({@code outputsImageRefTo}) is missing or does not hold a usable ref. */
public class RefFileException extends CmdImageException {
    /** Not serialized ({@link Path} is not {@link java.io.Serializable}). */
    private final transient Path path;

    /**
     * @param message the sentence for a person, naming the file and what is wrong with it
     * @param path    the ref file
     * @param cause   the underlying failure (e.g. the file is missing), or {@code null}
     */
    public RefFileException(String message, Path path, @Nullable Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The ref file ({@code null} on a deserialized copy of this exception; the message names it too). */
    public @Nullable Path path() {
        return path;
    }
}
