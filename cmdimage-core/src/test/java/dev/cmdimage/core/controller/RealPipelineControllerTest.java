package dev.cmdimage.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.core.process.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller with the real pipeline ({@link CmdImages}) and the real {@link JdkProcessRunner}, running
 * {@code sh -c} commands in {@code remote} mode (no image store needed): what a user sees, and that no process is
 * left behind.
 */
class RealPipelineControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final String marker = Processes.marker();
    private final ChangeRecorder recorder = new ChangeRecorder();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private CmdImageController controller;

    private CmdImageController controller(int parallel) {
        CmdImageBuilder builder = CmdImages.builder()
                .processRunner(new JdkProcessRunner())
                .killGrace(Duration.ofSeconds(2))
                .build();
        controller = CmdImageControllers.builder(builder)
                .maxParallelBuilds(parallel)
                .baseEnvironment(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")))
                .baseDirectory(dir)
                .buildListener(new BuildListener() {
                    @Override
                    public void outputLine(String name, StdStream stream, String line) {
                        output.add(name + ": " + line);
                    }
                })
                .build();
        controller.subscribe(recorder);
        return controller;
    }

    @AfterEach
    void cleanUp() {
        if (controller != null) {
            controller.close();
        }
        Processes.killMarked(marker);
    }

    private static CmdImage sh(String name, String script, String... maps) {
        return CmdImage.of(name, CmdImageSpec.builder().ref("localhost:5000/" + name).args("sh", "-c", script)
                .imageMaps(maps).outputMode(CmdImageSpec.OUTPUT_MODE_REMOTE).build());
    }

    private String ref(String name) {
        CmdImageStatus s = controller.cmdImage(name).orElseThrow().status();
        assertThat(s.isSucceeded()).as("%s: %s", name, s).isTrue();
        return s.ref();
    }

    @Test
    void aDiamondBuildsInOrderAndEachCommandSeesTheImagesItDependsOn() throws Exception {
        CmdImageController c = controller(2);
        c.apply(sh("top", "echo \"$TILT_IMAGE_MAP_0=$TILT_IMAGE_0 $TILT_IMAGE_MAP_1=$TILT_IMAGE_1\" > top.txt",
                "left", "right"));
        c.apply(sh("left", "echo \"$TILT_IMAGE_0\" > left.txt", "base"));
        c.apply(sh("right", "echo \"$TILT_IMAGE_0\" > right.txt", "base"));
        c.apply(sh("base", "echo building base as $EXPECTED_REF"));
        assertThat(c.awaitIdle(WAIT)).isTrue();

        String base = ref("base");
        assertThat(base).startsWith("localhost:5000/base:tilt-build-");
        assertThat(Files.readString(dir.resolve("left.txt")).trim()).isEqualTo(base);
        assertThat(Files.readString(dir.resolve("right.txt")).trim()).isEqualTo(base);
        assertThat(Files.readString(dir.resolve("top.txt")).trim())
                .isEqualTo("left=" + ref("left") + " right=" + ref("right"));
        assertThat(c.imageMap("top").orElseThrow().status().image()).isEqualTo(ref("top"));
        assertThat(output).contains("base: building base as " + base);
        assertThat(recorder.statuses("top")).endsWith("building: build requested", "completed: " + ref("top"));
    }

    @Test
    void aChangeMidBuildKillsTheObsoleteCommandAndBuildsTheNewSpec() throws Exception {
        CmdImageController c = controller(2);
        c.apply(sh("app", "echo started; sleep " + marker + " & sleep " + marker + "; wait"));
        Processes.awaitSleeping(marker, 2, WAIT);

        c.apply(sh("app", "echo second > second.txt"));
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(Processes.withMarker(marker)).as("processes of the cancelled build").isEmpty();
        assertThat(Files.readString(dir.resolve("second.txt")).trim()).isEqualTo("second");
        assertThat(recorder.statuses("app")).endsWith("building: spec changed", "completed: " + ref("app"));
        assertThat(recorder.statuses("app")).noneMatch(s -> s.startsWith("failed"));
    }

    @Test
    void aDependencyChangeMidBuildReplacesTheDependentsBuild() throws Exception {
        CmdImageController c = controller(2);
        c.apply(sh("base", "true"));
        c.apply(sh("app", "echo \"$TILT_IMAGE_0\" >> seen.txt; sleep " + marker + "; echo done", "base"));
        Processes.awaitSleeping(marker, 1, WAIT);
        String firstBase = ref("base");

        c.apply(sh("base", "echo v2"));
        // base's new image makes app's running build obsolete: it is killed, then the replacement starts
        Awaitility.await().atMost(WAIT).until(() -> c.cmdImage("app").orElseThrow().status().buildingState()
                .map(b -> "image map base changed".equals(b.reason())).orElse(false));
        Processes.awaitSleeping(marker, 1, WAIT);
        assertThat(Processes.sleeping(marker)).as("never two builds of app side by side").hasSize(1);
        c.apply(sh("app", "echo \"$TILT_IMAGE_0\" >> seen.txt", "base"));
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(Processes.withMarker(marker)).isEmpty();
        List<String> seen = Files.readAllLines(dir.resolve("seen.txt"));
        assertThat(seen.get(0)).isEqualTo(firstBase);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(ref("base")).isNotEqualTo(firstBase);
    }

    @Test
    void closeWithBuildsInFlightLeavesNoProcess() throws Exception {
        CmdImageController c = controller(4);
        for (String name : List.of("one", "two", "three")) {
            c.apply(sh(name, "sleep " + marker + " & sleep " + marker + "; wait"));
        }
        Processes.awaitSleeping(marker, 6, WAIT);
        c.close();
        assertThat(Processes.withMarker(marker)).as("processes left after close()").isEmpty();
        for (String name : List.of("one", "two", "three")) {
            CmdImageStatus s = c.cmdImage(name).orElseThrow().status();
            assertThat(s.isFailed()).isTrue();
            assertThat(s.completedState().orElseThrow().error()).contains("cancelled");
        }
    }

    @Test
    void aDeletedCmdImagesCommandIsKilled() throws Exception {
        CmdImageController c = controller(2);
        c.apply(sh("app", "sleep " + marker));
        Processes.awaitSleeping(marker, 1, WAIT);
        c.delete("CmdImage", "app");
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(c.cmdImage("app")).isEmpty();
    }
}
