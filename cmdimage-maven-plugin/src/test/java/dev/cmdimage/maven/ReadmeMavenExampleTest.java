package dev.cmdimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's {@code <plugin>} block (section "Building from Maven") is the one of the fixture project that
 * MavenPluginIT builds with real Maven (the region between {@code README-BEGIN} and {@code README-END} of
 * {@code src/it/hello/pom.xml}), with this build's version.
 */
class ReadmeMavenExampleTest {
    @Test
    void theReadmeShowsThePluginBlockTheFixtureBuilds() throws IOException {
        String pom = Files.readString(Path.of("src/it/hello/pom.xml"));
        String block = pom.substring(pom.indexOf("<!-- README-BEGIN -->\n") + "<!-- README-BEGIN -->\n".length(),
                pom.indexOf("<!-- README-END -->"));
        String version = System.getProperty("it.projectVersion");
        assertThat(version).as("it.projectVersion (set by surefire)").isNotBlank();
        block = block.replace("@project.version@", version);
        assertThat(block).contains("<artifactId>cmdimage-maven-plugin</artifactId>").contains("<goal>build</goal>");

        String readme = Files.readString(Path.of("../README.md"));
        String section = readme.substring(readme.indexOf("## Building from Maven"),
                readme.indexOf("## Project layout"));

        assertThat(stripped(section)).contains(stripped(block));
    }

    /** Every line without its leading and trailing blanks, blank lines dropped. */
    private static String stripped(String text) {
        return Arrays.stream(text.split("\n")).map(String::strip).filter(l -> !l.isEmpty())
                .collect(Collectors.joining("\n"));
    }
}
