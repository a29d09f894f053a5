package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the command runs: {@code spec.dir} resolved against the base directory, which must exist. */
final class Directories {
    private Directories() {}

    /** The base directory of a request: the given one, or the JVM's working directory; always absolute. */
    static Path base(Path requested) {
        return (requested == null ? Path.of("") : requested).toAbsolutePath().normalize();
    }

    /**
     * @throws CmdImageException naming {@code spec.dir} and the absolute path when it is not an existing directory
     */
    static Path workingDirectory(String specDir, Path base) throws CmdImageException {
        Path dir = specDir == null ? base : base.resolve(specDir).normalize();
        if (!Files.isDirectory(dir)) {
            String what = Files.exists(dir) ? "is not a directory" : "does not exist";
            throw new CmdImageException(specDir == null
                    ? "The working directory " + dir + " " + what
                    : "spec.dir: directory " + dir + " " + what);
        }
        return dir;
    }
}
