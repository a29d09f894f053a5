package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.core.testing.FakeProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEHAVIOUR.md section 4 step 3 and the working directory of step 5. */
class ExpectationTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    private List<String> expectedRefs() {
        List<String> refs = new ArrayList<>();
        f.runner.runs().forEach(r -> refs.add(r.environment().get("EXPECTED_REF")));
        return refs;
    }

    @Test
    void theGeneratedTagIsTiltBuildAndTheClocksUnixSeconds() throws Exception {
        f.builder().build(f.request(Fixture.spec("app").build()).build());

        assertThat(expectedRefs()).containsExactly("app:tilt-build-1795719470");
    }

    @Test
    void twoBuildsOfTheSameImageInOneSecondNeverGetTheSameTag() throws Exception {
        CmdImageBuilder builder = f.builder();
        BuildRequest app = f.request(Fixture.spec("app").build()).build();
        BuildRequest other = f.request(Fixture.spec("other").build()).build();

        builder.build(app);
        builder.build(app);
        builder.build(other);
        f.clock.advance(Duration.ofMillis(999));
        builder.build(app);
        f.clock.advance(Duration.ofMillis(1));
        builder.build(app);
        f.clock.advance(Duration.ofSeconds(-10)); // a clock going back does not repeat a tag either
        builder.build(app);

        assertThat(expectedRefs()).containsExactly(
                "app:tilt-build-1795719470",
                "app:tilt-build-1795719470-1",
                "other:tilt-build-1795719470",
                "app:tilt-build-1795719470-2",
                "app:tilt-build-1795719471",
                "app:tilt-build-1795719471-1");
    }

    @Test
    void differentBuildersDoNotShareTagMemory() throws Exception {
        BuildRequest app = f.request(Fixture.spec("app").build()).build();
        f.builder().build(app);
        f.builder().build(app);

        assertThat(expectedRefs()).containsExactly("app:tilt-build-1795719470", "app:tilt-build-1795719470");
    }

    @Test
    void aStaleRefFileIsKeptAndNotMistakenForOutput() throws Exception {
        Path refFile = dir.resolve("out/ref.txt");
        Files.createDirectories(refFile.getParent());
        Files.writeString(refFile, "app:stale");
        List<String> contentAtRun = new ArrayList<>();
        f.runner = new FakeProcessRunner(run -> {
            contentAtRun.add(Files.readString(refFile));
            return run.exit(0);
        });

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").outputsImageRefTo("out/ref.txt")
                .build()).build()))
                .isInstanceOf(CmdImageException.class)
                .hasMessageStartingWith("Could not find image ref in output. Your custom_build script should have"
                        + " written to " + refFile + ": the file is stale: ");
        assertThat(contentAtRun).containsExactly("app:stale");
        assertThat(refFile).hasContent("app:stale");
    }

    @Test
    void relativeDirAndRefFileResolveAgainstTheBaseDirectory() throws Exception {
        Files.createDirectories(dir.resolve("svc/app"));
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(dir.resolve("ref.txt"), "app:v1");
            return run.exit(0);
        });
        f.store.put("app:v1", Fixture.ID);

        f.builder().build(f.request(Fixture.spec("app").dir("svc/app").outputsImageRefTo("ref.txt").build()).build());

        assertThat(f.runner.lastRun().directory()).isEqualTo(dir.resolve("svc/app").toAbsolutePath());
    }

    @Test
    void absoluteDirIsUsedAsIs() throws Exception {
        Path other = Files.createDirectories(dir.resolve("elsewhere"));
        f.builder().build(f.request(Fixture.spec("app").dir(other.toString()).build())
                .baseDirectory(dir.resolve("does-not-matter")).build());

        assertThat(f.runner.lastRun().directory()).isEqualTo(other);
    }

    @Test
    void withoutDirTheCommandRunsInTheBaseDirectory() throws Exception {
        f.builder().build(f.request(Fixture.spec("app").build()).build());

        assertThat(f.runner.lastRun().directory()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void withoutBaseDirectoryTheJvmsWorkingDirectoryIsUsed() throws Exception {
        f.builder().build(f.request(Fixture.spec("app").build()).baseDirectory(null).build());

        assertThat(f.runner.lastRun().directory()).isEqualTo(Path.of("").toAbsolutePath().normalize());
    }

    @Test
    void aDirThatDoesNotExistIsAClearErrorBeforeStart() {
        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").dir("nope").build()).build()))
                .isInstanceOf(CmdImageException.class)
                .hasMessage("spec.dir: directory " + dir.resolve("nope") + " does not exist");
        assertThat(f.runner.runs()).isEmpty();
        assertThat(f.listener.stepSequence()).endsWith("+prepare", "!prepare");
        assertThat(f.listener.statuses().get(f.listener.statuses().size() - 1).completedState().orElseThrow().error())
                .isEqualTo("spec.dir: directory " + dir.resolve("nope") + " does not exist");
    }

    @Test
    void aDirThatIsAFileIsAClearError() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").dir("file").build()).build()))
                .hasMessage("spec.dir: directory " + dir.resolve("file") + " is not a directory");
        assertThat(f.runner.runs()).isEmpty();
    }

    @Test
    void aBaseDirectoryThatDoesNotExistIsAClearError() {
        Path missing = dir.resolve("gone");
        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).baseDirectory(missing)
                .build()))
                .hasMessage("The working directory " + missing + " does not exist");
        assertThat(f.runner.runs()).isEmpty();
    }
}
