package dev.cmdimage.core.set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImageSet;
import dev.cmdimage.core.CmdImageSetController;
import dev.cmdimage.core.CmdImageSetResult;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FileWatch {@code image:<name>} a {@link CmdImageSet} creates for {@code cmdimage.dev/deps}. */
class ImplicitFileWatchTest {
    @TempDir
    Path tmp;

    private static final String APP = """
            apiVersion: tilt.dev/v1alpha1
            kind: CmdImage
            metadata:
              name: app
              annotations:
                cmdimage.dev/deps: "src, Dockerfile"
            spec:
              ref: localhost:5000/app
              args: ["true"]
            ---
            apiVersion: tilt.dev/v1alpha1
            kind: CmdImage
            metadata: {name: other}
            spec: {ref: other, args: ["true"]}
            """;

    private Path write(String relative, String text) throws IOException {
        Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void depsBecomeAFileWatchOfAbsolutePathsRelativeToTheFile() throws Exception {
        Path file = write("project/cmdimage.yaml", APP);
        Files.createDirectories(tmp.resolve("project/src"));

        CmdImageSet set = CmdImageSet.read(file);

        Path project = tmp.resolve("project").toAbsolutePath().normalize();
        assertThat(set.createdFileWatches()).containsExactly(FileWatch.of("image:app",
                List.of(project.resolve("src").toString(), project.resolve("Dockerfile").toString())));
        List<ApiObject> toApply = set.toApply();
        assertThat(toApply.indexOf(set.createdFileWatches().get(0)))
                .as("applied before the CmdImages").isLessThan(toApply.indexOf(set.cmdImage("app").orElseThrow()));
        assertThat(set.objects()).as("the objects stay as written").hasSize(2);
    }

    @Test
    void aDockerignoreInAWatchedDirectoryBecomesAnIgnore() throws Exception {
        Path file = write("project/cmdimage.yaml", APP);
        write("project/src/.dockerignore", "# generated\n*.log\n\n!keep.log\nnode_modules\n");

        FileWatch fw = CmdImageSet.read(file).createdFileWatches().get(0);

        Path src = tmp.resolve("project/src").toAbsolutePath().normalize();
        assertThat(fw.spec().ignores()).containsExactly(
                new FileWatch.IgnoreDef(src.toString(), List.of("*.log", "!keep.log", "node_modules")));
    }

    @Test
    void aGivenFileWatchOfThatNameWins() throws Exception {
        Path file = write("project/cmdimage.yaml", APP + """
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: FileWatch
                metadata: {name: "image:app"}
                spec: {watchedPaths: [elsewhere]}
                """);

        CmdImageSet set = CmdImageSet.read(file);

        assertThat(set.createdFileWatches()).isEmpty();
        assertThat(set.toApply()).filteredOn(o -> o instanceof FileWatch)
                .containsExactly(FileWatch.of("image:app", List.of("elsewhere")));
    }

    @Test
    void buildingOnceWatchesNothingSoABuildWritingIntoItsDepsEndsOnce() throws Exception {
        Path file = write("project/cmdimage.yaml", """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: app
                  annotations:
                    cmdimage.dev/deps: "src"
                spec:
                  ref: app
                  outputMode: remote
                  args: ["sh", "-c", "echo x >> src/generated.txt; sleep 1; echo run >> runs.txt"]
                """);
        Files.createDirectories(tmp.resolve("project/src"));

        CmdImageSetResult result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CmdImageSet.read(file)
                .build(CmdImages.builder().processRunner(new JdkProcessRunner()).build()));

        assertThat(result.succeeded()).as("%s", result).isTrue();
        assertThat(Files.readAllLines(tmp.resolve("project/runs.txt"))).containsExactly("run");
    }

    @Test
    void aSetControllerAppliesTheFileWatchesOnlyWhenAskedToWatchFiles() throws Exception {
        Path file = write("project/cmdimage.yaml", APP);
        CmdImageSet set = CmdImageSet.read(file);
        try (CmdImageSetController c = CmdImageSetController.builder(
                CmdImageControllers.builder(CmdImages.builder().processRunner(new JdkProcessRunner()).build()))
                .build()) {
            c.sync(set);
            assertThat(c.controller().fileWatch("image:app")).as("by default nothing is watched").isEmpty();

            c.watchFiles(true);
            c.sync(set);
            assertThat(c.controller().fileWatch("image:app")).isPresent();

            c.watchFiles(false);
            c.sync(set);
            assertThat(c.controller().fileWatch("image:app")).as("switched off: deleted").isEmpty();
        }
    }
}
