package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.testing.FakeImageStore;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEHAVIOUR.md section 4 step 4: the command's environment, exactly, and which layer wins. */
class EnvironmentTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    @Test
    void noRegistryNoArchNoMaps() throws Exception {
        f.builder().build(f.request(Fixture.spec("app").build()).build());

        String tag = "tilt-build-" + Fixture.T0_SECONDS;
        Map<String, String> expected = new HashMap<>(Fixture.BASE_ENV);
        expected.put("EXPECTED_REF", "app:" + tag);
        expected.put("EXPECTED_IMAGE", "library/app");
        expected.put("EXPECTED_TAG", tag);
        assertThat(f.runner.lastRun().environment()).isEqualTo(expected);
    }

    @Test
    void registryArchAndImageMapsAreAddedInOrder() throws Exception {
        ImageMap base = ImageMap.of("base", "base").withStatus(new ImageMap.Status("registry:5000/base:tilt-1",
                "localhost:5000/base:tilt-1", "registry:5000/base:tilt-1", MicroTime.of(TestClock.DEFAULT_START)));
        ImageMap tools = ImageMap.of("tools", "tools").withStatus(ImageMap.Status.of("tools:tilt-2"));
        BuildRequest request = f.request(Fixture.spec("gcr.io/team/app").imageMaps("tools", "base").build())
                .cluster(Fixture.cluster("localhost:5000", "registry:5000", "arm64"))
                .imageMap(base).imageMap(tools).build();

        f.builder().build(request);

        String tag = "tilt-build-" + Fixture.T0_SECONDS;
        Map<String, String> expected = new HashMap<>(Fixture.BASE_ENV);
        expected.put("EXPECTED_REF", "localhost:5000/gcr.io_team_app:" + tag);
        expected.put("EXPECTED_IMAGE", "gcr.io_team_app");
        expected.put("EXPECTED_TAG", tag);
        expected.put("EXPECTED_REGISTRY", "localhost:5000");
        expected.put("REGISTRY_HOST", "localhost:5000");
        expected.put("EXPECTED_PLATFORM", "linux/arm64");
        expected.put("EXPECTED_ARCH", "arm64");
        expected.put("TILT_IMAGE_MAP_0", "tools");
        expected.put("TILT_IMAGE_0", "tools:tilt-2");
        expected.put("TILT_IMAGE_MAP_1", "base");
        expected.put("TILT_IMAGE_1", "localhost:5000/base:tilt-1");
        assertThat(f.runner.lastRun().environment()).isEqualTo(expected);
    }

    @Test
    void anImageMapWithOnlyImageFallsBackToIt() throws Exception {
        ImageMap base = ImageMap.of("base", "base")
                .withStatus(new ImageMap.Status("registry:5000/base:tilt-1", null, null, null));

        f.builder().build(f.request(Fixture.spec("app").imageMaps("base").build()).imageMap(base).build());

        assertThat(f.runner.lastRun().environment()).containsEntry("TILT_IMAGE_MAP_0", "base")
                .containsEntry("TILT_IMAGE_0", "registry:5000/base:tilt-1");
    }

    @Test
    void laterLayersWinBaseThenStoreThenSpecEnvThenOurs() throws Exception {
        f.store.commandEnvironment(Map.of("DOCKER_HOST", "unix:///store.sock", "STORE_ONLY", "s",
                "SPEC_OVERRIDES", "store"));
        Map<String, String> baseEnv = Map.of("DOCKER_HOST", "tcp://jvm:2375", "EXPECTED_REF", "stale:ref",
                "BASE_ONLY", "b", "SPEC_OVERRIDES", "base");
        BuildRequest request = f.request(Fixture.spec("app")
                        .env(java.util.List.of("SPEC_OVERRIDES=spec", "EXPECTED_TAG=mine", "WITH_EQUALS=a=b", "EMPTY="))
                        .build())
                .baseEnvironment(baseEnv).build();

        f.builder().build(request);

        Map<String, String> env = f.runner.lastRun().environment();
        String tag = "tilt-build-" + Fixture.T0_SECONDS;
        assertThat(env).containsEntry("DOCKER_HOST", "unix:///store.sock")   // store over base
                .containsEntry("STORE_ONLY", "s")
                .containsEntry("BASE_ONLY", "b")
                .containsEntry("SPEC_OVERRIDES", "spec")                      // spec.env over store and base
                .containsEntry("EXPECTED_TAG", tag)                           // ours over spec.env
                .containsEntry("EXPECTED_REF", "app:" + tag)                  // ours over base
                .containsEntry("WITH_EQUALS", "a=b")
                .containsEntry("EMPTY", "");
    }

    @Test
    void theJvmEnvironmentIsTheDefaultBase() throws Exception {
        f.builder().build(BuildRequest.builder(Fixture.image(Fixture.spec("app").build())).baseDirectory(dir).build());

        assertThat(f.runner.lastRun().environment()).containsAllEntriesOf(System.getenv());
    }

    @Test
    void outputTagExpectsTheRefWithoutRegistryWithThatTag() throws Exception {
        BuildRequest request = f.request(Fixture.spec("gcr.io/team/app:ignored").outputTag("dev").build())
                .cluster(Fixture.cluster("localhost:5000", null, null)).build();

        f.builder().build(request);

        Map<String, String> env = f.runner.lastRun().environment();
        assertThat(env).containsEntry("EXPECTED_REF", "gcr.io/team/app:dev")
                .containsEntry("EXPECTED_IMAGE", "team/app")
                .containsEntry("EXPECTED_TAG", "dev")
                .containsEntry("EXPECTED_REGISTRY", "localhost:5000")
                .doesNotContainKeys("EXPECTED_PLATFORM", "EXPECTED_ARCH");
        assertThat(f.store.inspections().get(0).ref()).isEqualTo("gcr.io/team/app:dev");
    }

    @Test
    void refFileModeHasNoExpectedRef() throws Exception {
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(dir.resolve("ref.txt"), "localhost:5000/app:v1\n");
            return run.exit(0);
        });
        f.store.put("localhost:5000/app:v1", Fixture.ID);
        BuildRequest request = f.request(Fixture.spec("app").outputsImageRefTo("ref.txt").build())
                .cluster(Fixture.cluster("localhost:5000", null, "amd64")).build();

        f.builder().build(request);

        Map<String, String> expected = new HashMap<>(Fixture.BASE_ENV);
        expected.put("EXPECTED_REGISTRY", "localhost:5000");
        expected.put("REGISTRY_HOST", "localhost:5000");
        expected.put("EXPECTED_PLATFORM", "linux/amd64");
        expected.put("EXPECTED_ARCH", "amd64");
        assertThat(f.runner.lastRun().environment()).isEqualTo(expected);
    }

    @Test
    void theCommandGetsTheTimeoutAndKillGrace() throws Exception {
        f.builder().build(f.request(Fixture.spec("app").build()).timeout(java.time.Duration.ofMinutes(3)).build());

        // what the steps before the command left of the whole build's timeout
        assertThat(f.runner.lastRun().timeout()).isBetween(java.time.Duration.ofMinutes(2),
                java.time.Duration.ofMinutes(3));
        assertThat(f.runner.lastRun().killGrace()).isEqualTo(f.killGrace);
        assertThat(f.runner.lastRun().command()).containsExactly("sh", "-c", "./build.sh");
    }

    @Test
    void storeEnvironmentOfAnOciLayoutStoreReachesTheCommand() throws Exception {
        FakeImageStore store = f.store.commandEnvironment(Map.of("EXPECTED_OCI_LAYOUT", "/tmp/layout"));
        f.builder().build(f.request(Fixture.spec("app").build()).build());

        assertThat(f.runner.lastRun().environment()).containsEntry("EXPECTED_OCI_LAYOUT", "/tmp/layout");
        assertThat(store.inspections()).hasSize(1);
    }
}
