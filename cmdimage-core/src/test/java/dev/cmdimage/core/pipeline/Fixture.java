package dev.cmdimage.core.pipeline;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.testing.FakeImageStore;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.testing.FakeRegistryPusher;
import dev.cmdimage.testing.RecordingBuildListener;
import dev.cmdimage.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The fakes one pipeline test needs, wired together; each test makes its own. */
final class Fixture {
    static final String ID = FakeImageStore.imageId("0123456789abcdef0123");
    static final String CONTENT_TAG = "tilt-0123456789abcdef";
    static final long T0_SECONDS = TestClock.DEFAULT_START.getEpochSecond();
    static final Map<String, String> BASE_ENV = Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/dev");

    final TestClock clock = TestClock.fixed();
    final FakeImageStore store = new FakeImageStore();
    final FakeRegistryPusher pusher = new FakeRegistryPusher();
    final RecordingBuildListener listener = new RecordingBuildListener();
    final Path baseDir;
    /** By default every run "builds" the image: stores {@link #ID} under $EXPECTED_REF and exits 0. */
    FakeProcessRunner runner = new FakeProcessRunner(tagsExpectedRef(store, ID));
    Duration killGrace = Duration.ofMillis(100);

    Fixture(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** A script that stores {@code imageId} under $EXPECTED_REF and exits 0. */
    static FakeProcessRunner.Script tagsExpectedRef(FakeImageStore store, String imageId) {
        return run -> {
            store.put(run.env("EXPECTED_REF"), imageId);
            return run.exit(0);
        };
    }

    CmdImageBuilder builder() {
        return CmdImages.builder().processRunner(runner).imageStore(store).registryPusher(pusher).clock(clock)
                .killGrace(killGrace).build();
    }

    static CmdImageSpec.Builder spec(String ref) {
        return CmdImageSpec.builder().ref(ref).args("sh", "-c", "./build.sh");
    }

    static CmdImage image(CmdImageSpec spec) {
        return CmdImage.of("app", spec);
    }

    /** A request with a fixed base environment and directory, and the recording listener. */
    BuildRequest.Builder request(CmdImageSpec spec) {
        return BuildRequest.builder(image(spec)).baseEnvironment(BASE_ENV).baseDirectory(baseDir).listener(listener);
    }

    static Cluster cluster(String host, String runtimeHost, String arch) {
        return Cluster.of("default", new RegistryHosting(host, null, runtimeHost, null, null), arch);
    }
}
