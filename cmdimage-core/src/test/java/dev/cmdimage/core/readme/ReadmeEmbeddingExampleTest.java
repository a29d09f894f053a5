package dev.cmdimage.core.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.core.CmdImageSet;
import dev.cmdimage.core.CmdImageSetResult;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding" example (building a file's objects), compiled and run here, and checked to be the very
 * text the README shows (the region between the {@code README-BEGIN} and {@code README-END} markers).
 */
class ReadmeEmbeddingExampleTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theExampleBuildsTheObjectsOfTheHelloOciFile(@TempDir Path tmp) throws Exception {
        List<String> report = example(REPO.resolve("examples/hello-oci/cmdimage.yaml"), tmp.resolve("oci"));

        assertThat(report).hasSize(1);
        assertThat(report.get(0)).matches("hello-oci: hello-oci:tilt-[0-9a-f]{16}");
    }

    @Test
    void aFailedCommandIsReportedWithItsExitStatusAndLastLines(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("cmdimage.yaml");
        Files.writeString(file, """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: broken
                spec:
                  ref: broken
                  args: ["sh", "-c", "echo compiling >&2; echo 'error: no main.c' >&2; exit 3"]
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: app
                spec:
                  ref: app
                  args: ["true"]
                  imageMaps: [broken]
                """);

        List<String> report = example(file, tmp.resolve("oci"));

        assertThat(report).containsExactly(
                "broken: exit status 3, last lines: [compiling, error: no main.c]",
                "app: never started: still waiting for image map broken when nothing else could be built");
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        String source = Files.readString(
                Path.of("src/test/java/dev/cmdimage/core/readme/ReadmeEmbeddingExampleTest.java"));
        String snippet = between(source, "// README-BEGIN\n", "        // README-END");
        String readme = Files.readString(REPO.resolve("README.md"));
        String embedding = between(readme, "## Embedding\n", "\n## ");
        assertThat(snippet.lines().count()).as("lines of the example").isLessThanOrEqualTo(10);
        assertThat(linesStripped(embedding)).contains(linesStripped(snippet));
    }

    private static List<String> example(Path file, Path layoutDir) throws Exception {
        List<String> report = new ArrayList<>();
        // README-BEGIN
        try (CmdImageBuilder builder = CmdImages.builder().imageStore(new OciLayoutStore(layoutDir)).build()) {
            CmdImageSetResult result = CmdImageSet.read(file).build(builder); // in dependency order, in parallel
            for (CmdImageSetResult.Outcome outcome : result.outcomes()) {
                if (outcome.failure().orElse(null) instanceof CommandFailedException e) {
                    report.add(outcome.name() + ": exit status " + e.exitCode() + ", last lines: " + e.outputTail());
                } else {
                    report.add(outcome.name() + ": " + outcome.failure().map(Throwable::getMessage).orElse(outcome.status().ref()));
                }
            }
        }
        // README-END
        return report;
    }

    /** Each line without its indentation (the README shows the snippet dedented). */
    private static String linesStripped(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }

    private static String between(String text, String begin, String end) {
        int from = text.indexOf(begin) + begin.length();
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
    }
}
