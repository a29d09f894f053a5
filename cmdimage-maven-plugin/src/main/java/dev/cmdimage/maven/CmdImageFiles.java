package dev.cmdimage.maven;

import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageCodec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;

/** Which files the goals read, and how they are named in messages. */
final class CmdImageFiles {
    /** Where the files are by default, relative to the project's directory. */
    static final String DEFAULT_DIR = "src/main/cmdimage";

    private CmdImageFiles() {}

    /**
     * The configured files resolved against {@code base}, or, with none configured, every {@code *.yaml} regular
     * file in {@link #DEFAULT_DIR} sorted by name (none when the directory is missing).
     *
     * @throws MojoFailureException naming a configured file that is missing or not a regular file
     */
    static List<Path> resolve(Path base, List<File> configured) throws MojoFailureException {
        if (configured != null && !configured.isEmpty()) {
            List<Path> out = new ArrayList<>();
            for (File f : configured) {
                Path p = base.resolve(f.toPath()).normalize();
                if (!Files.isRegularFile(p)) {
                    throw new MojoFailureException("cmdimage: <files> names " + display(base, p) + ", which "
                            + (Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "is not a regular file"
                                    : "does not exist"));
                }
                out.add(p);
            }
            return out;
        }
        Path dir = base.resolve(DEFAULT_DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new MojoFailureException("cmdimage: cannot list " + display(base, dir) + ": " + e);
        }
    }

    /**
     * The whole text of {@code file}, named {@code name} in problems.
     *
     * @throws ValidationException when it is larger than the codec reads (8 MiB) or not UTF-8
     */
    static String read(Path file, String name) throws IOException, ValidationException {
        try (InputStream in = Files.newInputStream(file)) {
            return CmdImageCodec.create().readText(in, name);
        } catch (CharacterCodingException e) {
            throw new ValidationException(name, List.of(Problem.invalid(name, null, "not UTF-8 text")));
        }
    }

    /** {@code file} relative to {@code base} when under it, else absolute. */
    static String display(Path base, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path b = base.toAbsolutePath().normalize();
        return abs.startsWith(b) ? b.relativize(abs).toString() : abs.toString();
    }

    /** Every file as {@link #display}, comma-separated. */
    static String displayAll(Path base, List<Path> files) {
        return String.join(", ", files.stream().map(f -> display(base, f)).toList());
    }
}
