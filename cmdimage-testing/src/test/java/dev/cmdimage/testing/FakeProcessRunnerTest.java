package dev.cmdimage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's scripts, played through cmdimage's real pipeline. */
class FakeProcessRunnerTest {
    @TempDir
    Path dir;

    private BuildResult build(FakeProcessRunner runner, dev.cmdimage.spi.ImageStore store, CmdImageSpec spec,
            RecordingBuildListener listener) throws Exception {
        try (CmdImageBuilder builder = CmdImages.builder().processRunner(runner).imageStore(store).build()) {
            return builder.build(BuildRequest.builder(CmdImage.of("app", spec)).baseDirectory(dir)
                    .baseEnvironment(Map.of("PATH", "/bin")).listener(listener).build());
        }
    }

    @Test
    void tagsExpectedRefBuildsANewImageEachRunAndRecordsTheSpec() throws Exception {
        FakeImageStore store = new FakeImageStore();
        FakeProcessRunner runner = FakeProcessRunner.building(store);
        RecordingBuildListener listener = new RecordingBuildListener();
        CmdImageSpec spec = CmdImageSpec.builder().ref("app").args("make", "image").env(List.of("MODE=fast"))
                .build();

        BuildResult first = build(runner, store, spec, listener);
        BuildResult second = build(runner, store, spec, listener);

        assertThat(first.localRef()).isEqualTo("app:tilt-0000000000000001");
        assertThat(second.localRef()).isEqualTo("app:tilt-0000000000000002");
        assertThat(runner.runs()).hasSize(2);
        assertThat(runner.lastRun().environment()).containsEntry("MODE", "fast").containsEntry("PATH", "/bin")
                .containsKey("EXPECTED_REF");
        assertThat(runner.lastRun().directory()).isEqualTo(dir);
        assertThat(listener.outputLines()).hasSize(2).allMatch(l -> l.startsWith("built app:tilt-build-"));
        assertThat(listener.unpairedSteps()).isEmpty();
    }

    @Test
    void writesOciImageMakesAnImageTheOciStoreVerifies() throws Exception {
        OciLayoutStore store = new OciLayoutStore(dir.resolve("layout"));
        FakeProcessRunner runner = new FakeProcessRunner(FakeProcessRunner.Script.writesOciImage("hi"));

        BuildResult result = build(runner, store, CmdImageSpec.builder().ref("app").args("./build.sh").build(),
                new RecordingBuildListener());

        assertThat(result.imageId()).startsWith("sha256:");
        assertThat(result.localRef()).isEqualTo("app:tilt-" + result.imageId().substring(7, 23));
        assertThat(store.inspect(ImageRef.parse(result.localRef()), "amd64")).contains(result.imageId());
    }

    @Test
    void theSameContentIsTheSameImage() throws Exception {
        String a = OciTestImages.write(dir.resolve("a"), "x:1", "same");
        String b = OciTestImages.write(dir.resolve("b"), "y:2", "same");
        String c = OciTestImages.write(dir.resolve("a"), "z:3", "other");

        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        OciLayoutStore store = new OciLayoutStore(dir.resolve("a"));
        assertThat(store.inspect(ImageRef.parse("x:1"), null)).contains(a);
        assertThat(store.inspect(ImageRef.parse("z:3"), null)).contains(c);
    }

    @Test
    void writesRefFileEndsARefFileBuild() throws Exception {
        FakeImageStore store = new FakeImageStore().put("example.com/app:v7", FakeImageStore.imageId("ab"));
        FakeProcessRunner runner = new FakeProcessRunner(FakeProcessRunner.Script.writesRefFile("ref.txt",
                "example.com/app:v7"));

        BuildResult result = build(runner, store, CmdImageSpec.builder().ref("example.com/app").args("./build.sh")
                .outputsImageRefTo("ref.txt").build(), new RecordingBuildListener());

        assertThat(result.localRef()).isEqualTo("example.com/app:v7");
    }

    @Test
    void queuedScriptsRunFirstThenTheDefault() throws Exception {
        FakeImageStore store = new FakeImageStore();
        FakeProcessRunner runner = FakeProcessRunner.building(store).enqueue(FakeProcessRunner.Script.exit(3, "no"));
        CmdImageSpec spec = CmdImageSpec.builder().ref("app").args("make").build();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> build(runner, store, spec,
                new RecordingBuildListener())).hasMessageContaining("exit status 3");
        assertThat(build(runner, store, spec, new RecordingBuildListener()).status().isSucceeded()).isTrue();
    }
}
