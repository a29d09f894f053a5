package dev.cmdimage.api;

import java.nio.file.Path;

/** The ref file ({@code outputsImageRefTo}) is missing or does not hold a usable ref. */
public class RefFileException extends CmdImageException {
    private final transient Path path;

    public RefFileException(String message, Path path, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The ref file. */
    public Path path() {
        return path;
    }
}
