package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.testing.RecordingBuildListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline with real processes: the default {@code JdkProcessRunner} running {@code sh}, and for a whole build
 * the {@link OciLayoutStore} with {@code examples/hello-oci}, so nothing here needs Docker.
 */
class RealProcessTest {
    static final Path HELLO_OCI = Path.of("").toAbsolutePath().getParent().resolve("examples/hello-oci");

    @TempDir
    Path dir;
    RecordingBuildListener listener;
    Map<String, String> env;

    @BeforeEach
    void setUp() {
        listener = new RecordingBuildListener();
        env = new HashMap<>(System.getenv());
    }

    private BuildRequest.Builder request(CmdImageSpec spec) {
        return BuildRequest.builder(CmdImage.of("app", spec)).baseDirectory(dir).baseEnvironment(env)
                .listener(listener);
    }

    private static CmdImageSpec.Builder sh(String script) {
        return CmdImageSpec.builder().ref("app").args("sh", "-c", script);
    }

    @Test
    void aWholeBuildWithShAndAnOciLayoutIsReproducible() throws Exception {
        OciLayoutStore store = new OciLayoutStore(dir.resolve("layout"), "amd64");
        CmdImageBuilder builder = CmdImages.builder().imageStore(store).build();
        BuildRequest request = BuildRequest.builder(CmdImage.of("hello-oci", CmdImageSpec.builder().ref("hello-oci")
                        .args("sh", "build.sh").dir(HELLO_OCI.toString()).build()))
                .baseEnvironment(env).clusterSharesImageStore(true).listener(listener).build();

        BuildResult first = builder.build(request);
        BuildResult second = builder.build(request);

        assertThat(first.localRef()).matches("hello-oci:tilt-[0-9a-f]{16}");
        assertThat(first.localRef()).isEqualTo("hello-oci:tilt-" + first.imageId().substring(7, 23));
        assertThat(second.localRef()).isEqualTo(first.localRef());
        assertThat(store.inspect(dev.cmdimage.api.ImageRef.parse(first.localRef()), "amd64")).contains(first.imageId());
        assertThat(listener.outputLines()).isNotEmpty();
        assertThat(listener.unpairedSteps()).isEmpty();
    }

    @Test
    void theRealCommandSeesItsEnvironmentAndDirectory() throws Exception {
        Files.createDirectories(dir.resolve("svc"));
        env.put("NPM_TOKEN", "s3cr3t-token-value");
        CmdImageBuilder builder = CmdImages.builder().build();

        BuildResult result = builder.build(request(sh("pwd; echo \"ref=$EXPECTED_REF tag=$EXPECTED_TAG\";"
                + " echo \"token=$NPM_TOKEN\" >&2").dir("svc").outputMode("remote").build()).build());

        String tag = result.localRef().substring("app:".length());
        assertThat(tag).matches("tilt-build-\\d+");
        assertThat(listener.outputLines()).containsExactlyInAnyOrder(dir.resolve("svc").toRealPath().toString(),
                "ref=app:" + tag + " tag=" + tag, "token=<redacted>");
    }

    @Test
    void aRealScriptWritesTheRefFile() throws Exception {
        Files.createDirectories(dir.resolve("svc"));
        CmdImageBuilder builder = CmdImages.builder().build();

        BuildResult result = builder.build(request(sh("echo '  localhost:5000/app:v1  ' > ../ref.txt").dir("svc")
                .outputMode("remote").outputsImageRefTo("ref.txt").build())
                .cluster(Fixture.cluster("localhost:5000", "registry:5000", null)).build());

        assertThat(result.localRef()).isEqualTo("localhost:5000/app:v1");
        assertThat(result.clusterRef()).isEqualTo("registry:5000/app:v1");
    }

    @Test
    void aFailingScriptReportsItsExitStatusAndLastLines() {
        CmdImageBuilder builder = CmdImages.builder().build();

        assertThatThrownBy(() -> builder.build(request(sh("echo compiling; echo 'error: boom' >&2; exit 3")
                .outputMode("remote").build()).build()))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(3);
                    assertThat(e.command()).isEqualTo("echo compiling; echo 'error: boom' >&2; exit 3");
                    assertThat(e.outputTail()).containsExactlyInAnyOrder("compiling", "error: boom");
                    assertThat(e.getMessage()).startsWith("Custom build \"echo compiling; echo 'error: boom' >&2;"
                            + " exit 3\" failed: exit status 3\noutput (last 2 lines):\n");
                });
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        CmdImageBuilder builder = CmdImages.builder().killGrace(Duration.ofMillis(500)).build();
        Path pids = dir.resolve("pids");

        assertThatThrownBy(() -> builder.build(request(sh("sleep 300 & echo $! > pids; echo $$ >> pids; wait")
                .outputMode("remote").build()).timeout(Duration.ofSeconds(1)).build()))
                .isInstanceOf(BuildTimeoutException.class)
                .hasMessageStartingWith("Custom build \"sleep 300 & echo $! > pids; echo $$ >> pids; wait\" timed out"
                        + " after 1s; its processes were killed");
        assertNoneAlive(pids);
    }

    @Test
    void cancelKillsTheWholeProcessTree() throws Exception {
        CmdImageBuilder builder = CmdImages.builder().killGrace(Duration.ofMillis(500)).build();
        Path pids = dir.resolve("pids");
        BuildHandle handle = builder.start(request(sh("sleep 300 & echo $! > pids; echo $$ >> pids; echo started;"
                + " wait").outputMode("remote").build()).build());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> listener.outputLines().contains("started"));

        handle.cancel();

        assertThat(handle.finalStatus().get(30, TimeUnit.SECONDS).completedState().orElseThrow().error())
                .isEqualTo("build cancelled");
        assertThat(handle.result()).isCompletedExceptionally();
        assertThatThrownBy(() -> handle.result().join()).hasCauseInstanceOf(BuildCancelledException.class);
        assertNoneAlive(pids);
    }

    @Test
    void aCommandThatDoesNotExistCannotStart() {
        CmdImageBuilder builder = CmdImages.builder().build();

        assertThatThrownBy(() -> builder.build(request(CmdImageSpec.builder().ref("app")
                .args("./no-such-build-script.sh").outputMode("remote").build()).build()))
                .hasMessageStartingWith("Custom build \"./no-such-build-script.sh\" could not start: ");
    }

    private static void assertNoneAlive(Path pids) throws Exception {
        for (String line : Files.readAllLines(pids)) {
            long pid = Long.parseLong(line.trim());
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
    }
}
