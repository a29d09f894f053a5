package dev.cmdimage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link CmdImageTest}, run through JUnit's launcher as a user's build runs it. */
class CmdImageExtensionTest {
    static final CmdImage APP = CmdImage.of("app", CmdImageSpec.builder().ref("app").args("make", "image").build());
    static final AtomicReference<Object> SEEN = new AtomicReference<>();

    @Test
    void theFakeBuilderBuildsWithTheFakesItInjects() {
        Launch.assertPassed(FakeWiring.class);
    }

    @CmdImageTest
    static class FakeWiring {
        @Test
        void build(CmdImageBuilder builder, FakeProcessRunner runner, FakeImageStore store, FakeRegistryPusher pusher,
                RecordingBuildListener listener, TestClock clock) throws Exception {
            BuildResult result = builder.build(BuildRequest.builder(APP).listener(listener)
                    .cluster(Cluster.of("default", RegistryHosting.of("localhost:5000"), "amd64")).build());

            assertThat(result.localRef()).isEqualTo("localhost:5000/app:tilt-0000000000000001");
            assertThat(runner.lastRun().command()).containsExactly("make", "image");
            assertThat(store.refs()).contains("localhost:5000/app:tilt-0000000000000001");
            assertThat(pusher.pushed()).containsExactly("localhost:5000/app:tilt-0000000000000001");
            assertThat(listener.unpairedSteps()).isEmpty();
            assertThat(result.status().completedState().orElseThrow().finishedAt().instant())
                    .isEqualTo(clock.peek());
        }
    }

    @Test
    void theOciBuilderPushesToTheTestRegistry() {
        Launch.assertPassed(OciWiring.class);
    }

    @CmdImageTest(store = CmdImageTest.Store.OCI)
    static class OciWiring {
        @Test
        void build(CmdImageBuilder builder, TestRegistry registry, OciLayoutStore store) throws Exception {
            BuildResult result = builder.build(BuildRequest.builder(APP)
                    .cluster(Cluster.of("default", RegistryHosting.of(registry.host()), "amd64")).build());

            String tag = result.localRef().substring(result.localRef().lastIndexOf(':') + 1);
            assertThat(registry.manifest("app", tag).orElseThrow().digest()).isEqualTo(result.pushedDigest());
            assertThat(Files.exists(store.directory().resolve("index.json"))).isTrue();
            SEEN.set(store.directory());
        }
    }

    @Test
    void theTemporaryLayoutIsDeletedAfterTheTest() {
        SEEN.set(null);
        Launch.run(OciWiring.class);
        assertThat((Path) SEEN.get()).isNotNull().doesNotExist();
    }

    @Test
    void aBuilderLeftOpenByTheTestFailsIt() {
        List<Launch.Outcome> outcomes = Launch.run(Leaky.class);

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("FAILED");
            assertThat(o.message()).startsWith("@CmdImageTest: left behind after the test")
                    .contains("thread cmdimage-builder-");
        });
        SEEN.getAndSet(null);
    }

    @CmdImageTest
    static class Leaky {
        @Test
        void leavesABuilderOpen(FakeImageStore store) throws Exception {
            // a builder of the test's own, never closed: its build thread stays (idle threads live 60 s)
            CmdImageBuilder own = CmdImages.builder().processRunner(FakeProcessRunner.building(store))
                    .imageStore(store).build();
            own.build(BuildRequest.builder(APP).build());
            SEEN.set(own);
        }
    }

    @Test
    void aProcessLeftRunningFailsTheTestAndIsKilled() {
        List<Launch.Outcome> outcomes = Launch.run(LeavesAProcess.class);

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("FAILED");
            assertThat(o.message()).contains("process ").contains("sleep").contains("killed now");
        });
        ProcessHandle p = (ProcessHandle) SEEN.get();
        assertThat(p.onExit()).succeedsWithin(java.time.Duration.ofSeconds(10));
    }

    @CmdImageTest
    static class LeavesAProcess {
        @Test
        void startsSleep() throws Exception {
            SEEN.set(new ProcessBuilder("sleep", "300").start().toHandle());
        }
    }

    @Test
    void beforeEachMethodsGetTheSameObjectsAsTheTest() {
        Launch.assertPassed(BeforeEachSharing.class);
    }

    @CmdImageTest
    static class BeforeEachSharing {
        FakeImageStore fromBeforeEach;

        @BeforeEach
        void setUp(FakeImageStore store) {
            fromBeforeEach = store;
        }

        @Test
        void same(FakeImageStore store) {
            assertThat(store).isSameAs(fromBeforeEach);
        }
    }

    @Test
    void askingForWhatTheStoreDoesNotHaveSaysWhy() {
        assertThat(Launch.run(WrongParameter.class)).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("FAILED");
            assertThat(o.message()).contains("@CmdImageTest(store = FAKE, realProcesses = false) has no TestRegistry");
        });
    }

    @CmdImageTest
    static class WrongParameter {
        @Test
        void wantsARegistry(TestRegistry registry) {
            assertThat(registry).isNotNull();
        }
    }
}
