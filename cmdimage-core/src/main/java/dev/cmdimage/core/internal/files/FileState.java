package dev.cmdimage.core.internal.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;

/**
 * What a path is, read without following a symlink and without opening it ({@code lstat}): its kind, its identity
 * (device and inode where the file system has them, else the JDK's file key), size, modification and change time.
 *
 * @param kind     what the path is
 * @param identity device and inode ({@code "dev:ino"}), or the JDK's file key, or {@code null} when unknown
 * @param size     the size in bytes ({@code -1} when missing)
 * @param modified the modification time, or {@code null} when missing
 * @param changed  the status change time ({@code ctime}), or {@code null} where the file system does not say
 */
public record FileState(Kind kind, Object identity, long size, FileTime modified, FileTime changed) {
    /** A path where nothing is. */
    public static final FileState MISSING = new FileState(Kind.MISSING, null, -1, null, null);

    private static final int S_IFMT = 0170000;

    /** Reads the state of {@code path}; a symlink is reported as one, not followed. */
    public static FileState of(Path path) throws IOException {
        try {
            Map<String, Object> a;
            try {
                a = Files.readAttributes(path, "unix:mode,dev,ino,size,lastModifiedTime,ctime",
                        LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                BasicFileAttributes b = Files.readAttributes(path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                return new FileState(Kind.of(b), b.fileKey(), b.size(), b.lastModifiedTime(), null);
            }
            return new FileState(Kind.ofMode((Integer) a.get("mode")), a.get("dev") + ":" + a.get("ino"),
                    (Long) a.get("size"), (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"));
        } catch (NoSuchFileException e) {
            return MISSING;
        }
    }

    /**
     * Whether both name the same file: the same kind and identity (where the file system has no identities, the
     * kind alone).
     */
    public boolean sameFile(FileState other) {
        return kind == other.kind && Objects.equals(identity, other.identity);
    }

    /**
     * Whether nothing observable changed: the same file with the same size, modification and change time. On a
     * file system with coarse timestamps a rewrite of the same length within one tick looks unchanged.
     */
    public boolean unchanged(FileState other) {
        return kind == Kind.MISSING ? other.kind == Kind.MISSING
                : sameFile(other) && size == other.size && Objects.equals(modified, other.modified)
                        && Objects.equals(changed, other.changed);
    }

    /** The kinds of file a path can be. */
    public enum Kind {
        MISSING("missing"),
        REGULAR("a regular file"),
        DIRECTORY("a directory"),
        SYMLINK("a symlink"),
        FIFO("a FIFO (named pipe)"),
        SOCKET("a socket"),
        CHARACTER_DEVICE("a character device"),
        BLOCK_DEVICE("a block device"),
        OTHER("a special file");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /** For a sentence: {@code a FIFO (named pipe)}, {@code a directory}, ... */
        public String description() {
            return description;
        }

        static Kind ofMode(int mode) {
            switch (mode & S_IFMT) {
                case 0100000:
                    return REGULAR;
                case 0040000:
                    return DIRECTORY;
                case 0120000:
                    return SYMLINK;
                case 0010000:
                    return FIFO;
                case 0140000:
                    return SOCKET;
                case 0020000:
                    return CHARACTER_DEVICE;
                case 0060000:
                    return BLOCK_DEVICE;
                default:
                    return OTHER;
            }
        }

        static Kind of(BasicFileAttributes b) {
            if (b.isSymbolicLink()) {
                return SYMLINK;
            }
            if (b.isDirectory()) {
                return DIRECTORY;
            }
            return b.isRegularFile() ? REGULAR : OTHER;
        }
    }
}
