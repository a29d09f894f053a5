package dev.cmdimage.core.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java example of the README, compiled and run here, and checked to be the very text the README shows (the
 * region between the {@code README-BEGIN} and {@code README-END} markers).
 */
class ReadmeExampleTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theExampleBuildsTheHelloOciImage(@TempDir Path tmp) throws Exception {
        List<String> lines = new ArrayList<>();
        BuildResult result = example(REPO.resolve("examples/hello-oci"), tmp.resolve("oci"), lines);

        assertThat(result.status().isSucceeded()).isTrue();
        assertThat(result.localRef()).matches("hello-oci:tilt-[0-9a-f]{16}");
        assertThat(result.imageId()).startsWith("sha256:" + result.localRef().substring("hello-oci:tilt-".length()));
        assertThat(lines).anyMatch(l -> l.startsWith("wrote hello-oci:tilt-build-"));
    }

    @Test
    void aFailingCommandThrowsWithTheReasonAndTheOutputTail(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(dir.resolve("build.sh"), "echo compiling\necho 'error: no such file: main.c' >&2\nexit 3\n");

        assertThatThrownBy(() -> example(dir, tmp.resolve("oci"), new ArrayList<>()))
                .isInstanceOf(CmdImageException.class)
                .hasMessageContaining("Custom build \"sh build.sh\" failed: exit status 3")
                .hasMessageContaining("error: no such file: main.c");
    }

    @Test
    void theReadmeShowsThisExample() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/cmdimage/core/readme/ReadmeExampleTest.java"));
        String snippet = between(source, "// README-BEGIN\n", "        // README-END");
        String readme = Files.readString(REPO.resolve("README.md"));
        assertThat(linesStripped(readme)).contains(linesStripped(snippet));
    }

    private static BuildResult example(Path exampleDir, Path layoutDir, List<String> printed)
            throws CmdImageException {
        // README-BEGIN
        // An image store (here an OCI image layout; DockerImageStore from cmdimage-docker for a Docker engine).
        OciLayoutStore store = new OciLayoutStore(layoutDir);
        try (CmdImageBuilder builder = CmdImages.builder().imageStore(store).build()) { // close() ends what runs
            CmdImage image = CmdImage.of("hello-oci", CmdImageSpec.builder()
                    .ref("hello-oci")
                    .args("sh", "build.sh")
                    .dir(exampleDir.toString())
                    .build());

            BuildResult result = builder.build(BuildRequest.builder(image)
                    .timeout(Duration.ofMinutes(5)) // the whole build, every step
                    .listener(new BuildListener() {
                        @Override
                        public void outputLine(String name, StdStream stream, String line) {
                            printed.add(line); // e.g. show it in your UI
                        }
                    })
                    .build());
            // result.localRef() is "hello-oci:tilt-<16 hex of the image ID>"; a failure throws a CmdImageException
            // whose message says why (exit status and the last lines of output) and whose status() is "completed".
            return result;
        }
        // README-END
    }

    /** Each line without its indentation (the README shows the snippet dedented). */
    private static String linesStripped(String text) {
        return text.lines().map(String::strip).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static String between(String text, String begin, String end) {
        int from = text.indexOf(begin) + begin.length();
        return text.substring(from, text.indexOf(end, from));
    }
}
