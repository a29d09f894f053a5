package dev.cmdimage.core.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code .dockerignore} rules of {@link DockerIgnore}, as Docker reads them. */
class DockerIgnoreTest {
    private static final Path BASE = Path.of("/work/app");

    private static boolean ignores(String path, String... patterns) {
        return DockerIgnore.of(BASE, List.of(patterns)).ignores(BASE.resolve(path));
    }

    @Test
    void starMatchesWithinOneSegmentOnly() {
        assertThat(ignores("debug.log", "*.log")).isTrue();
        assertThat(ignores("logs/debug.log", "*.log")).isFalse();
        assertThat(ignores("logs/debug.log", "*/*.log")).isTrue();
        assertThat(ignores("debug.txt", "*.log")).isFalse();
    }

    @Test
    void doubleStarMatchesAnyNumberOfSegments() {
        assertThat(ignores("debug.log", "**/*.log")).isTrue();
        assertThat(ignores("a/b/c/debug.log", "**/*.log")).isTrue();
        assertThat(ignores("a/b/c/debug.txt", "**/*.log")).isFalse();
        assertThat(ignores("src/a/b/gen.java", "src/**/gen.java")).isTrue();
        assertThat(ignores("src/gen.java", "src/**/gen.java")).isTrue();
        assertThat(ignores("anything/at/all", "**")).isTrue();
    }

    @Test
    void questionMarkIsOneCharacterOfASegment() {
        assertThat(ignores("a1.txt", "a?.txt")).isTrue();
        assertThat(ignores("a12.txt", "a?.txt")).isFalse();
        assertThat(ignores("a/.txt", "a?.txt")).isFalse();
    }

    @Test
    void aMatchedDirectoryIgnoresEverythingUnderIt() {
        assertThat(ignores("node_modules/x/y.js", "node_modules")).isTrue();
        assertThat(ignores("node_modules", "node_modules")).isTrue();
        assertThat(ignores("src/node_modules/y.js", "node_modules")).isFalse();
    }

    @Test
    void aLeadingSlashOrDotSlashIsTheBaseDirectory() {
        assertThat(ignores("build/out", "/build")).isTrue();
        assertThat(ignores("build/out", "./build")).isTrue();
        assertThat(ignores("src/build/out", "/build")).isFalse();
    }

    @Test
    void theLastMatchingRuleDecidesAndNegationReincludes() {
        assertThat(ignores("x.md", "*.md", "!README.md")).isTrue();
        assertThat(ignores("README.md", "*.md", "!README.md")).isFalse();
        assertThat(ignores("README.md", "!README.md", "*.md")).isTrue();
        assertThat(ignores("build/keep.txt", "build", "!build/keep.txt")).isFalse();
        assertThat(ignores("build/other.txt", "build", "!build/keep.txt")).isTrue();
    }

    @Test
    void commentsBlankLinesAndOtherCharactersAreLiteral() {
        assertThat(ignores("#notes", "# a comment", "", "  ")).isFalse();
        assertThat(ignores("a+b(c).txt", "a+b(c).txt")).isTrue();
        assertThat(ignores("aab", "a+b")).isFalse();
    }

    @Test
    void pathsOutsideTheBaseAndTheBaseItselfAreNeverIgnored() {
        DockerIgnore all = DockerIgnore.of(BASE, List.of("**"));
        assertThat(all.ignores(Path.of("/work/other/file"))).isFalse();
        assertThat(all.ignores(BASE)).isFalse();
        assertThat(all.ignores(BASE.resolve("file"))).isTrue();
    }
}
