package dev.cmdimage.core.internal.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Checks a command before it starts, so that the error names the command and says what is wrong in a sentence
 * instead of an {@code error=2} from the OS (or a silent exit 127 from {@code setsid}).
 */
public final class Executables {
    private Executables() {}

    /** The directory to run in, as an absolute path; an error when it does not exist or is no directory. */
    public static Path directory(String program, Path directory) throws IOException {
        Path dir = directory.toAbsolutePath();
        if (!Files.exists(dir)) {
            throw new IOException(cannotRun(program) + "directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(cannotRun(program) + dir + " is not a directory");
        }
        return dir;
    }

    /**
     * Finds the program the way {@code execvp} in the child would: a name with a slash is a path relative to the
     * working directory; any other name is looked up in the command's {@code PATH} (this JVM's {@code PATH} when
     * the command's environment has none). Relative {@code PATH} entries are relative to the working directory.
     *
     * @return the path to execute (a name found in PATH comes back as {@code <entry>/<name>})
     */
    public static String resolve(String program, Path directory, Map<String, String> environment)
            throws IOException {
        if (program.isEmpty()) {
            throw new IOException("cannot run \"\": the command's first argument is empty");
        }
        if (program.indexOf('\0') >= 0) {
            throw new IOException(cannotRun(program) + "the name contains a NUL character");
        }
        if (program.contains("/")) {
            Path path = path(program, directory);
            checkRunnable(program, path);
            return program;
        }
        String searchPath = environment.get("PATH");
        if (searchPath == null) {
            searchPath = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        }
        Path notExecutable = null;
        for (String entry : searchPath.split(File.pathSeparator, -1)) {
            Path candidate;
            try {
                candidate = (entry.isEmpty() ? directory : directory.resolve(entry)).resolve(program);
            } catch (InvalidPathException e) {
                continue;
            }
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) {
                    return entry.isEmpty() ? candidate.toString() : Paths.get(entry).resolve(program).toString();
                }
                if (notExecutable == null) {
                    notExecutable = candidate;
                }
            }
        }
        if (notExecutable != null) {
            throw new IOException(cannotRun(program) + notExecutable + " is not executable (permission denied)");
        }
        throw new IOException(cannotRun(program) + "no such file or directory in PATH (" + searchPath + ")");
    }

    private static Path path(String program, Path directory) throws IOException {
        try {
            return directory.resolve(program);
        } catch (InvalidPathException e) {
            throw new IOException(cannotRun(program) + "not a valid path: " + e.getReason(), e);
        }
    }

    private static void checkRunnable(String program, Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException(cannotRun(program) + path.normalize() + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IOException(cannotRun(program) + path.normalize() + " is a directory");
        }
        if (!Files.isExecutable(path)) {
            throw new IOException(cannotRun(program) + path.normalize() + " is not executable (permission denied)");
        }
    }

    /** The start of every message here: {@code cannot run "<program>": }. */
    public static String cannotRun(String program) {
        return "cannot run \"" + program + "\": ";
    }
}
