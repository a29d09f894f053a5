package dev.cmdimage.testing.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's section "Testing code that uses cmdimage" shows {@link DeployerTest} and {@link PushTest}, which run
 * here: the text between their {@code README-BEGIN} and {@code README-END} markers is in that section, verbatim
 * (indentation aside).
 */
class ReadmeTestingSectionTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path SOURCES = Path.of("src/test/java/dev/cmdimage/testing/readme");

    @Test
    void theSectionShowsTheUnitTest() throws IOException {
        assertThat(stripped(section())).contains(stripped(snippet("DeployerTest.java", "unit")));
    }

    @Test
    void theSectionShowsTheWiringTest() throws IOException {
        assertThat(stripped(section())).contains(stripped(snippet("PushTest.java", "wiring")));
    }

    private static String section() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        int from = readme.indexOf("\n## Testing code that uses cmdimage\n");
        int to = readme.indexOf("\n## Command line\n");
        assertThat(from).as("the section, before ## Command line").isPositive().isLessThan(to);
        return readme.substring(from, to);
    }

    private static String snippet(String file, String name) throws IOException {
        String source = Files.readString(SOURCES.resolve(file));
        String begin = "// README-BEGIN " + name + "\n";
        int from = source.indexOf(begin) + begin.length();
        return source.substring(from, source.indexOf("// README-END " + name, from));
    }

    private static String stripped(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }
}
