package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.testing.RecordingBuildListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEHAVIOUR.md section 7 with the OCI layout store and real commands ({@code examples/hello-oci}): a command that
 * turns {@code index.json} or {@code index.json.lock} into a FIFO, removes {@code oci-layout} or replaces the
 * layout directory by a symlink fails its build with a sentence naming the file, in bounded time, and the build
 * ends {@code completed} with that error.
 */
class LayoutFifoBuildTest {
    @TempDir
    Path dir;
    final RecordingBuildListener listener = new RecordingBuildListener();

    /** Runs hello-oci's build.sh, then {@code after} (sh, in the layout directory); returns the build's error. */
    private String failingBuild(String after) {
        Path layout = dir.resolve("layout");
        CmdImageBuilder builder = CmdImages.builder().imageStore(new OciLayoutStore(layout, "amd64")).build();
        Map<String, String> env = new HashMap<>(System.getenv());
        String script = "sh build.sh && cd \"$EXPECTED_OCI_LAYOUT\" && " + after;
        BuildRequest request = BuildRequest.builder(CmdImage.of("hello-oci", CmdImageSpec.builder().ref("hello-oci")
                        .args("sh", "-c", script).dir(RealProcessTest.HELLO_OCI.toString()).build()))
                .baseEnvironment(env).clusterSharesImageStore(true).listener(listener).build();
        CmdImageException[] thrown = new CmdImageException[1];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                assertThatThrownBy(() -> builder.build(request)).isInstanceOfSatisfying(CmdImageException.class,
                        e -> thrown[0] = e));
        CmdImageStatus last = listener.statuses().get(listener.statuses().size() - 1);
        assertThat(last.completedState().orElseThrow().error()).isEqualTo(thrown[0].getMessage());
        return thrown[0].getMessage();
    }

    @Test
    void aFifoAtIndexJsonFailsTheBuildWithASentence() {
        String error = failingBuild("rm index.json && mkfifo index.json");

        assertThat(error).contains("OCI image layout " + dir.resolve("layout") + ", image hello-oci:tilt-build-")
                .endsWith("index.json is a FIFO (named pipe), not a regular file; refusing to use it");
    }

    @Test
    void aFifoAtTheLockFileFailsTheBuildWithASentence() {
        String error = failingBuild("rm -f index.json.lock && mkfifo index.json.lock");

        assertThat(error).endsWith("OCI image layout " + dir.resolve("layout") + ", image hello-oci:tilt-"
                + error.substring(error.indexOf(":tilt-") + 6, error.indexOf(":tilt-") + 22)
                + ": index.json.lock is a FIFO (named pipe), not a regular file; refusing to open it");
    }

    @Test
    void aRemovedOciLayoutFileFailsTheBuild() {
        String error = failingBuild("rm oci-layout");

        assertThat(error).endsWith("the file oci-layout is missing, so " + dir.resolve("layout") + " is not an OCI"
                + " image layout (the file holds {\"imageLayoutVersion\":\"1.0.0\"})");
    }

    @Test
    void aLayoutDirectoryReplacedByASymlinkFailsTheBuild() {
        String error = failingBuild("cd .. && mv layout moved && ln -s moved layout");

        assertThat(error).endsWith("the layout directory " + dir.resolve("layout") + " is a symlink; refusing to"
                + " follow it (configure the directory it points to)");
    }
}
