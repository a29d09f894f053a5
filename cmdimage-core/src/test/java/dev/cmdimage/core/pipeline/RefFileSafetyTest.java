package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.api.RefFileException;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.core.testing.Fifos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEHAVIOUR.md section 4 steps 3 and 7: the ref file is never deleted or truncated, a stale one is never taken for
 * output, and only a regular file inside the base directory (or at an absolute path) is read.
 */
class RefFileSafetyTest {
    private static final String MISSING = "Could not find image ref in output. Your custom_build script should have"
            + " written to ";

    @TempDir
    Path root;
    Path base;
    Path victim;
    Fixture f;

    @BeforeEach
    void setUp() throws Exception {
        base = Files.createDirectories(root.resolve("base"));
        victim = root.resolve("victim");
        Files.writeString(victim, "precious data\n");
        f = new Fixture(base);
    }

    private BuildRequest request(String outputsImageRefTo) {
        return f.request(Fixture.spec("app").outputsImageRefTo(outputsImageRefTo).outputMode("remote").build())
                .build();
    }

    /** A command that records whether the victim was intact while it ran, then exits with {@code exitCode}. */
    private List<String> victimSeenByCommandExiting(int exitCode) {
        List<String> seen = new ArrayList<>();
        f.runner = new FakeProcessRunner(run -> {
            seen.add(Files.exists(victim) ? Files.readString(victim) : "<deleted>");
            return run.exit(exitCode);
        });
        return seen;
    }

    @Test
    void anAbsolutePathToSomeoneElsesFileSurvivesAFailingCommand() throws Exception {
        List<String> seen = victimSeenByCommandExiting(1);

        assertThatThrownBy(() -> f.builder().build(request(victim.toString())))
                .isInstanceOf(CommandFailedException.class);

        assertThat(seen).containsExactly("precious data\n");
        assertThat(victim).hasContent("precious data");
    }

    @Test
    void anAbsolutePathToSomeoneElsesFileSurvivesACommandThatWritesNothingAndIsStale() throws Exception {
        List<String> seen = victimSeenByCommandExiting(0);

        assertThatThrownBy(() -> f.builder().build(request(victim.toString())))
                .isInstanceOf(RefFileException.class)
                .hasMessageStartingWith(MISSING + victim + ": the file is stale: it is unchanged since before the"
                        + " command started (last modified ");

        assertThat(seen).containsExactly("precious data\n");
        assertThat(victim).hasContent("precious data");
    }

    @Test
    void aRelativePathLeavingTheBaseDirectoryIsInvalidAndNothingRuns() {
        assertThatThrownBy(() -> f.builder().build(request("../victim")))
                .hasMessage("CmdImage \"app\" is invalid: spec.outputsImageRefTo: Invalid value: \"../victim\": a"
                        + " relative path must stay inside the base directory (give an absolute path to use a file"
                        + " elsewhere)");

        assertThat(f.runner.runs()).isEmpty();
        assertThat(victim).hasContent("precious data");
    }

    @Test
    void aStaleFileIsNotOutputAndIsKept() throws Exception {
        Path refFile = base.resolve("ref.txt");
        Files.writeString(refFile, "app:old");
        f.runner = FakeProcessRunner.exiting(0);

        assertThatThrownBy(() -> f.builder().build(request("ref.txt")))
                .isInstanceOf(RefFileException.class)
                .hasMessageStartingWith(MISSING + refFile + ": the file is stale: it is unchanged since before the"
                        + " command started (last modified ");

        assertThat(refFile).hasContent("app:old");
    }

    @Test
    void aFileRewrittenByTheCommandIsOutput() throws Exception {
        Path refFile = base.resolve("ref.txt");
        Files.writeString(refFile, "app:v1");
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(refFile, "app:v2");
            return run.exit(0);
        });

        BuildResult result = f.builder().build(request("ref.txt"));

        assertThat(result.localRef()).isEqualTo("app:v2");
    }

    @Test
    void aSameLengthRewriteThatKeepsTheModificationTimeIsStillOutput() throws Exception {
        // a file system with one-second timestamps: the rewrite keeps the mtime, only the content tells
        Path refFile = base.resolve("ref.txt");
        Files.writeString(refFile, "app:v1");
        FileTime mtime = Files.getLastModifiedTime(refFile);
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(refFile, "app:v2");
            Files.setLastModifiedTime(refFile, mtime);
            return run.exit(0);
        });

        assertThat(f.builder().build(request("ref.txt")).localRef()).isEqualTo("app:v2");
    }

    @Test
    void aFileReplacedByTheCommandIsOutputEvenWithAnOlderModificationTime() throws Exception {
        Path refFile = base.resolve("ref.txt");
        Files.writeString(refFile, "app:v1");
        f.runner = new FakeProcessRunner(run -> {
            Path fresh = base.resolve("fresh");
            Files.writeString(fresh, "app:v1");
            Files.setLastModifiedTime(fresh, FileTime.fromMillis(0));
            Files.move(fresh, refFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return run.exit(0);
        });

        assertThat(f.builder().build(request("ref.txt")).localRef()).isEqualTo("app:v1");
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() {
        Path refFile = base.resolve("ref.txt");
        f.runner = new FakeProcessRunner(run -> {
            Fifos.make(refFile);
            return run.exit(0);
        });

        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> f.builder().build(request("ref.txt")))
                        .isInstanceOf(RefFileException.class)
                        .hasMessage(MISSING + refFile + ": it is a FIFO (named pipe), not a regular file"));
    }

    @Test
    void aFifoBeforeTheCommandIsNotOpenedEither() throws Exception {
        Path refFile = base.resolve("ref.txt");
        Fifos.make(refFile);
        f.runner = new FakeProcessRunner(run -> {
            Files.delete(refFile);
            Files.writeString(refFile, "app:v1");
            return run.exit(0);
        });

        BuildResult result = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> f.builder().build(request("ref.txt")));

        assertThat(result.localRef()).isEqualTo("app:v1");
    }

    @Test
    void aDirectoryIsRefusedAndKept() throws Exception {
        Path refFile = base.resolve("ref.txt");
        Files.createDirectories(refFile.resolve("child"));
        f.runner = FakeProcessRunner.exiting(0);

        assertThatThrownBy(() -> f.builder().build(request("ref.txt")))
                .hasMessage(MISSING + refFile + ": it is a directory, not a regular file");

        assertThat(refFile.resolve("child")).isDirectory();
        assertThat(f.runner.runs()).hasSize(1);
    }

    @Test
    void aSymlinkOutOfTheBaseDirectoryIsNotFollowed() throws Exception {
        Path refFile = base.resolve("ref.txt");
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(victim, "app:v1");
            Files.createSymbolicLink(refFile, victim);
            return run.exit(0);
        });

        assertThatThrownBy(() -> f.builder().build(request("ref.txt")))
                .isInstanceOf(RefFileException.class)
                .hasMessage(MISSING + refFile + ": it leads through a symlink to " + victim.toRealPath()
                        + ", outside the base directory " + base + "; a relative spec.outputsImageRefTo must stay"
                        + " inside it (give an absolute path to use a file elsewhere)");

        assertThat(victim).hasContent("app:v1");
    }

    @Test
    void aSymlinkInsideTheBaseDirectoryIsFollowed() throws Exception {
        Path refFile = base.resolve("out/ref.txt");
        Files.createDirectories(base.resolve("real-out"));
        Files.createSymbolicLink(base.resolve("out"), base.resolve("real-out"));
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(base.resolve("real-out/ref.txt"), "app:v1");
            return run.exit(0);
        });

        assertThat(f.builder().build(request("out/ref.txt")).localRef()).isEqualTo("app:v1");
    }

    @Test
    void anAbsolutePathIsFollowedThroughASymlink() throws Exception {
        Path link = root.resolve("link");
        Files.createSymbolicLink(link, victim);
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(victim, "app:v1");
            return run.exit(0);
        });

        assertThat(f.builder().build(request(link.toString())).localRef()).isEqualTo("app:v1");
    }

    @Test
    void aFileLargerThanARefIsRefusedWithoutReadingIt() {
        Path refFile = base.resolve("ref.txt");
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(refFile, "x".repeat(1_000_000));
            return run.exit(0);
        });

        assertThatThrownBy(() -> f.builder().build(request("ref.txt")))
                .hasMessage("Output image ref in file " + refFile + " was invalid: it has 1000000 bytes, more than"
                        + " the 4096 an image ref may have");
    }
}
