package dev.cmdimage.core.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Bounded reads of files someone else wrote. The type is checked without following a link before the file is
 * opened, so a FIFO or a device is refused instead of blocking in {@code open()}; the file is opened without
 * following a symlink; at most {@code limit + 1} bytes are read; and the path is checked again after reading, so a
 * file swapped while it was read is noticed (and read again, a few times). Java cannot open non-blocking: a file
 * swapped for a FIFO in the instant between the check and the open can still block that open.
 */
public final class RegularFiles {
    private static final int ATTEMPTS = 3;

    private RegularFiles() {}

    /**
     * The content of a regular file of at most {@code limit} bytes, and the file's state when it was read.
     *
     * @throws NoSuchFileException  when nothing is at {@code file}
     * @throws FileRefusedException when it is not a regular file (a symlink, FIFO, device, directory, ...), has
     *                              more than {@code limit} bytes, or keeps being replaced while read
     */
    public static Content read(Path file, int limit) throws IOException {
        for (int attempt = 1; ; attempt++) {
            FileState before = requireRegular(file);
            if (before.size() > limit) {
                throw tooLarge(file, limit);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes(limit + 1);
            }
            FileState after = FileState.of(file);
            if (!after.unchanged(before)) {
                if (attempt < ATTEMPTS) {
                    continue;
                }
                throw new FileRefusedException(file, "kept changing while it was read (" + ATTEMPTS + " attempts)");
            }
            if (bytes.length > limit) {
                throw tooLarge(file, limit);
            }
            return new Content(after, bytes);
        }
    }

    /**
     * The state of {@code file}, which must be a regular file (checked without following a link).
     *
     * @throws NoSuchFileException  when nothing is there
     * @throws FileRefusedException when it is anything else
     */
    public static FileState requireRegular(Path file) throws IOException {
        FileState state = FileState.of(file);
        if (state.kind() == FileState.Kind.MISSING) {
            throw new NoSuchFileException(file.toString());
        }
        if (state.kind() != FileState.Kind.REGULAR) {
            throw new FileRefusedException(file, "is " + state.kind().description() + ", not a regular file");
        }
        return state;
    }

    private static FileRefusedException tooLarge(Path file, int limit) {
        return new FileRefusedException(file, "has more than " + limit + " bytes");
    }

    /**
     * What was read.
     *
     * @param state the file's state, the same before and after reading
     * @param bytes its content
     */
    public record Content(FileState state, byte[] bytes) {}
}
