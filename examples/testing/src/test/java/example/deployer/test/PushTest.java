package example.deployer.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.testing.CmdImageTest;
import dev.cmdimage.testing.FakeProcessRunner;
import dev.cmdimage.testing.TestRegistry;
import example.deployer.Deployer;
import org.junit.jupiter.api.Test;

/**
 * A wiring test: the consumer code with cmdimage's real pipeline (OCI layout store, registry HTTP pusher) pushing to
 * an in-process registry; only the build command is played by the kit's runner.
 */
@CmdImageTest(store = CmdImageTest.Store.OCI)
class PushTest {
    @Test
    void theDeployedRefIsThePushedImage(CmdImageBuilder builder, TestRegistry registry, FakeProcessRunner runner) {
        CmdImage app = CmdImage.of("app", CmdImageSpec.builder().ref("app").args("./build.sh").build());
        Cluster cluster = Cluster.of("default", RegistryHosting.of(registry.host()), "amd64");

        String ref = new Deployer(builder, cluster).refToDeploy(app);

        assertThat(ref).startsWith(registry.host() + "/app:tilt-");
        String tag = ImageRef.parse(ref).tag();
        assertThat(registry.tags("app")).containsExactly(tag);
        assertThat(registry.manifest("app", tag).orElseThrow().json()).contains("\"layers\"");
        assertThat(runner.lastRun().environment()).containsEntry("EXPECTED_REGISTRY", registry.host());
    }

    @Test
    void aFailedCommandIsNotDeployed(CmdImageBuilder builder, TestRegistry registry, FakeProcessRunner runner) {
        runner.enqueue(FakeProcessRunner.Script.exit(1, "error: disk full"));
        CmdImage app = CmdImage.of("app", CmdImageSpec.builder().ref("app").args("./build.sh").build());
        Cluster cluster = Cluster.of("default", RegistryHosting.of(registry.host()), "amd64");

        assertThat(new Deployer(builder, cluster).refToDeploy(app))
                .isEqualTo("not deployed: Custom build \"./build.sh\" failed: exit status 1");
        assertThat(registry.tags("app")).isEmpty();
    }
}
