package dev.cmdimage.core.internal.files;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A file the library will not read as it is: not a regular file, too large, or replaced while being read. The
 * reason is a clause without a subject ({@code is a FIFO (named pipe), not a regular file}), so each caller names
 * the file its own way.
 */
public final class FileRefusedException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file   the file
     * @param reason what is wrong, e.g. {@code is a directory, not a regular file}
     */
    public FileRefusedException(Path file, String reason) {
        super(file.toString(), null, reason);
    }

    @Override
    public String getMessage() {
        return getFile() + " " + getReason();
    }
}
