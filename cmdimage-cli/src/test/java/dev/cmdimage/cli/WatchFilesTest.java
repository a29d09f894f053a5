package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cmdimage watch -f a -f b}: the files are one set, and a change of either is applied. */
class WatchFilesTest {
    @TempDir
    Path tmp;

    private final String marker = "cmdimage-watch-files-test-" + UUID.randomUUID();
    private WatchCommandTest.Watch watch;

    @AfterEach
    void stop() throws InterruptedException {
        if (watch != null) {
            watch.stop();
        }
        assertThat(JarProcess.processesWithMarker(marker)).as("processes left behind").isEmpty();
    }

    @Test
    void watchesEveryFileAndAppliesTheChangeOfEither() throws IOException {
        Path base = tmp.resolve("base.yaml");
        Path app = tmp.resolve("app.yaml");
        write(base, TestYaml.remote("base", "echo base v1", "env: [\"M=" + marker + "\"]"));
        write(app, TestYaml.remote("app", "echo app on $TILT_IMAGE_0", "imageMaps: [base]",
                "env: [\"M=" + marker + "\"]"));

        watch = new WatchCommandTest.Watch(tmp, "watch", "-o", "json", "-f", "base.yaml", "-f", "app.yaml");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.err().contains("[app] app on base:tilt-build-"));

        write(base, TestYaml.remote("base", "echo base v2", "env: [\"M=" + marker + "\"]"));
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.linesOf("base", "base v2") == 1);
        assertThat(watch.err()).contains("cmdimage: base.yaml changed; applying it");

        write(app, TestYaml.remote("app", "echo app v2", "imageMaps: [base]", "env: [\"M=" + marker + "\"]"));
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.linesOf("app", "app v2") == 1);
        assertThat(watch.err()).contains("cmdimage: app.yaml changed; applying it");
    }

    private static void write(Path file, String text) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
