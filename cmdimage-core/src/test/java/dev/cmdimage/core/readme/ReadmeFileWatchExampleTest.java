package dev.cmdimage.core.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Rebuilding when files change" Java example, run here with the real pipeline ({@code remote} mode,
 * a {@code true} command) and real files, and checked to be the very text the README shows.
 */
class ReadmeFileWatchExampleTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theExampleRebuildsOnTheTriggerAndOnASavedFile(@TempDir Path tmp) throws Exception {
        Path srcDir = Files.createDirectories(tmp.resolve("src"));
        Path layoutDir = Files.createDirectories(tmp.resolve("oci"));
        CmdImage app = new CmdImage(new ObjectMeta("app", null, null,
                Map.of(FileWatch.FILE_WATCHES_ANNOTATION, "src"), null, null, null, null),
                CmdImageSpec.builder().ref("app").args("true").outputMode(CmdImageSpec.OUTPUT_MODE_REMOTE).build(),
                null);
        try (CmdImageBuilder builder = CmdImages.builder().processRunner(new JdkProcessRunner()).build();
                CmdImageController c = example(builder, layoutDir, srcDir, app)) {
            await().atMost(WAIT).until(() -> "rebuild button".equals(lastReason(c)));
            await().atMost(WAIT).until(() -> c.fileWatch("src").orElseThrow().status().monitorStartTime() != null);

            Files.writeString(layoutDir.resolve("index.json"), "{}"); // the store: never a trigger
            Files.writeString(srcDir.resolve("main.go"), "package main");

            await().atMost(WAIT).until(() -> ("files changed: " + srcDir.resolve("main.go")).equals(lastReason(c)));
        }
    }

    /** The reason of the last build that completed. */
    private static String lastReason(CmdImageController c) {
        return c.cmdImage("app").orElseThrow().status().completedState().map(CmdImageStatus.Completed::reason)
                .orElse(null);
    }

    private static CmdImageController example(CmdImageBuilder builder, Path layoutDir, Path srcDir, CmdImage app)
            throws InterruptedException {
        // README-BEGIN
        CmdImageController controller = CmdImageControllers.builder(builder)
                .fileWatchDebounce(Duration.ofMillis(200)) // a burst of saves within it is one build
                .neverWatch(layoutDir)                     // the image store's writes never trigger
                .build();
        controller.apply(FileWatch.of("src", List.of(srcDir.toString())));
        controller.apply(app);                             // annotated cmdimage.dev/file-watches: "src"
        controller.awaitIdle(Duration.ofMinutes(10));      // built once
        controller.trigger("app", "rebuild button");       // again, now; reason "triggered" without one
        // README-END
        return controller;
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        String source = Files.readString(
                Path.of("src/test/java/dev/cmdimage/core/readme/ReadmeFileWatchExampleTest.java"));
        String snippet = between(source, "// README-BEGIN\n", "        // README-END");
        String readme = Files.readString(REPO.resolve("README.md"));
        String section = between(readme, "## Rebuilding when files change\n", "\n## ");
        assertThat(linesStripped(section)).contains(linesStripped(snippet));
    }

    private static String linesStripped(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }

    private static String between(String text, String begin, String end) {
        int from = text.indexOf(begin) + begin.length();
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
    }
}
