package dev.cmdimage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.ImageNotFoundException;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.PushException;
import dev.cmdimage.api.RefFileException;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factories word each failure as cmdimage's own builder does: each is compared with a real build's. */
class BuildOutcomesTest {
    @TempDir
    Path dir;
    final FakeImageStore store = new FakeImageStore();
    final FakeRegistryPusher pusher = new FakeRegistryPusher();

    private CmdImageException realFailure(FakeProcessRunner runner, CmdImageSpec.Builder spec, Cluster cluster,
            Duration timeout) {
        try (CmdImageBuilder builder = CmdImages.builder().processRunner(runner).imageStore(store)
                .registryPusher(pusher).build()) {
            BuildRequest request = BuildRequest.builder(CmdImage.of("app", spec.build())).baseDirectory(dir)
                    .cluster(cluster).timeout(timeout).build();
            return catchThrowableOfType(CmdImageException.class, () -> builder.build(request));
        }
    }

    private static CmdImageSpec.Builder spec() {
        return CmdImageSpec.builder().ref("app").args("make", "image");
    }

    @Test
    void commandFailed() {
        CmdImageException real = realFailure(FakeProcessRunner.exiting(2, "compiling", "error: no rule"), spec(),
                null, null);

        CommandFailedException fake = BuildOutcomes.commandFailed("make image", 2, "compiling", "error: no rule");
        assertThat(fake).isInstanceOf(real.getClass()).hasMessage(real.getMessage());
        assertThat(fake.outputTail()).isEqualTo(((CommandFailedException) real).outputTail());
        assertThat(fake.exitCode()).isEqualTo(2);
    }

    @Test
    void commandFailedWithoutOutput() {
        CmdImageException real = realFailure(FakeProcessRunner.exiting(1), spec(), null, null);

        assertThat(BuildOutcomes.commandFailed("make image", 1)).hasMessage(real.getMessage());
    }

    @Test
    void timedOut() {
        CmdImageException real = realFailure(new FakeProcessRunner(FakeProcessRunner.Script.timeout("waiting")),
                spec(), null, Duration.ofMillis(1500));

        BuildTimeoutException fake = BuildOutcomes.timedOut("make image", Duration.ofMillis(1500), "waiting");
        assertThat(fake).isInstanceOf(real.getClass()).hasMessage(real.getMessage());
    }

    @Test
    void imageNotFound() {
        CmdImageException real = realFailure(FakeProcessRunner.exiting(0), spec().outputTag("v1"), null, null);

        ImageNotFoundException fake = BuildOutcomes.imageNotFound("app:v1");
        assertThat(real).isInstanceOf(ImageNotFoundException.class);
        assertThat(fake.getMessage()).isEqualTo(real.getMessage().replace(" in fake image store: ", ": "));
        assertThat(fake.expectedRef()).isEqualTo(((ImageNotFoundException) real).expectedRef());
    }

    @Test
    void pushFailed() {
        pusher.fail(new PushException("denied: requested access to the resource is denied", "x"));
        Cluster cluster = Cluster.of("default", RegistryHosting.of("localhost:5000"), null);
        CmdImageException real = realFailure(FakeProcessRunner.building(store), spec(), cluster, null);

        String ref = ((PushException) real).ref();
        PushException fake = BuildOutcomes.pushFailed(ref, "denied: requested access to the resource is denied");
        assertThat(fake).hasMessage(real.getMessage());
        assertThat(fake.ref()).isEqualTo(ref);
    }

    @Test
    void refFileMissing() {
        CmdImageException real = realFailure(FakeProcessRunner.exiting(0), spec().outputsImageRefTo("ref.txt"), null,
                null);

        RefFileException fake = BuildOutcomes.refFileMissing(dir.resolve("ref.txt"));
        assertThat(real).isInstanceOf(RefFileException.class);
        assertThat(real.getMessage()).startsWith(fake.getMessage().substring(0, fake.getMessage().lastIndexOf(':')));
        assertThat(fake.path()).isEqualTo(((RefFileException) real).path());
    }

    @Test
    void invalid() {
        CmdImageException real = realFailure(FakeProcessRunner.exiting(0), CmdImageSpec.builder().ref("app"), null,
                null);

        Problem[] problems = ((ValidationException) real).problems().toArray(Problem[]::new);
        ValidationException fake = BuildOutcomes.invalid("app", problems);
        assertThat(fake).isInstanceOf(real.getClass()).hasMessage(real.getMessage());
    }

    @Test
    void missingImageMap() {
        CmdImageException real = realFailure(FakeProcessRunner.exiting(0), spec().imageMaps(java.util.List.of("base")),
                null, null);

        DependencyNotReadyException fake = BuildOutcomes.missingImageMap("base");
        assertThat(fake).isInstanceOf(real.getClass()).hasMessage(real.getMessage());
        assertThat(fake.dependency()).isEqualTo(((DependencyNotReadyException) real).dependency());
    }

    @Test
    void cancelled() throws Exception {
        try (CmdImageBuilder builder = CmdImages.builder()
                .processRunner(new FakeProcessRunner(FakeProcessRunner.Script.untilCancelled())).imageStore(store)
                .build()) {
            BuildHandle handle = builder.start(BuildRequest.builder(CmdImage.of("app", spec().build()))
                    .baseDirectory(dir).build());
            handle.cancel();
            String error = handle.finalStatus().get(10, TimeUnit.SECONDS).completedState().orElseThrow().error();

            assertThat(BuildOutcomes.cancelled()).isInstanceOf(BuildCancelledException.class).hasMessage(error);
        }
    }
}
