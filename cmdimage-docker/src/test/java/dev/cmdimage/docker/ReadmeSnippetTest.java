package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's Java example is the code {@link ReadmeExampleIT} runs, so it never drifts. */
class ReadmeSnippetTest {
    @Test
    void theReadmeShowsTheTestedExample() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/cmdimage/docker/ReadmeExampleIT.java"));
        String snippet = source.substring(source.indexOf("// README-BEGIN\n") + "// README-BEGIN\n".length(),
                source.indexOf("        // README-END"));
        String unindented = Arrays.stream(snippet.split("\n"))
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains(unindented);
    }
}
