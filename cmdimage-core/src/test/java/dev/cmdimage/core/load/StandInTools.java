package dev.cmdimage.core.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Stand-ins for {@code kind}, {@code k3d} and {@code minikube}, which cannot be installed here: shell scripts put
 * first on the PATH that record their arguments (one per line) and {@code DOCKER_HOST}, and, for each argument that
 * is a file, its tar listing and its {@code index.json} (or {@code manifest.json}): what the real tool would read.
 */
final class StandInTools {
    private StandInTools() {}

    /** Writes {@code bin/<tool>}; it records into {@code <record>/<tool>.args}, {@code .env}, {@code .archive}. */
    static void install(Path bin, Path record, String tool, int exitCode, String... outputLines) throws IOException {
        Files.createDirectories(bin);
        StringBuilder out = new StringBuilder();
        for (String line : outputLines) {
            out.append("echo '").append(line.replace("'", "'\\''")).append("'\n");
        }
        String script = "#!/bin/sh\n"
                + "# stand-in for the real " + tool + ": records what it was given\n"
                + "rec='" + record + "/" + tool + "'\n"
                + ": > \"$rec.args\"\n"
                + "for a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$rec.args\"; done\n"
                + "printf 'DOCKER_HOST=%s\\n' \"${DOCKER_HOST:-}\" > \"$rec.env\"\n"
                + "for a in \"$@\"; do\n"
                + "  if [ -f \"$a\" ]; then\n"
                + "    tar tf \"$a\" > \"$rec.archive\"\n"
                + "    tar xOf \"$a\" index.json > \"$rec.index\" 2>/dev/null || tar xOf \"$a\" manifest.json > \"$rec.index\"\n"
                + "  fi\n"
                + "done\n"
                + out
                + "exit " + exitCode + "\n";
        Path file = bin.resolve(tool);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static List<String> args(Path record, String tool) throws IOException {
        return Files.readAllLines(record.resolve(tool + ".args"));
    }
}
