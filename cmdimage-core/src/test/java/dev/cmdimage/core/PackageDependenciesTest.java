package dev.cmdimage.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public package {@code dev.cmdimage.core} uses its {@code internal} packages, never the other way round: no
 * package cycle (module-info cannot check this). The sources are read from this module's {@code src/main/java}.
 */
class PackageDependenciesTest {
    private static final Path INTERNAL = Path.of("src", "main", "java", "dev", "cmdimage", "core", "internal");
    /** A use of a public core class in code: an import, or a qualified name outside a comment. */
    private static final Pattern PUBLIC_CORE_CLASS = Pattern.compile("\\bdev\\.cmdimage\\.core\\.[A-Z]");

    @Test
    void noInternalPackageUsesThePublicCorePackage() throws IOException {
        assertThat(INTERNAL).isDirectory();
        List<String> uses = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(INTERNAL)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        for (Path source : sources) {
            List<String> lines = Files.readAllLines(source);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                boolean comment = line.startsWith("*") || line.startsWith("/*") || line.startsWith("//");
                if (!comment && PUBLIC_CORE_CLASS.matcher(line).find()) {
                    uses.add(INTERNAL.relativize(source) + ":" + (i + 1) + ": " + line);
                }
            }
        }

        assertThat(sources).as("internal sources").isNotEmpty();
        assertThat(uses).as("uses of dev.cmdimage.core.* classes in internal packages").isEmpty();
    }
}
