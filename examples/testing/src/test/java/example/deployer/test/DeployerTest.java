package example.deployer.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.testing.BuildOutcomes;
import dev.cmdimage.testing.CmdImageTest;
import dev.cmdimage.testing.FakeCmdImageBuilder;
import example.deployer.Deployer;
import org.junit.jupiter.api.Test;

/** A unit test of the consumer code with a fake builder: no process, no image store, no registry. */
@CmdImageTest
class DeployerTest {
    static final CmdImage APP = CmdImage.of("app", CmdImageSpec.builder().ref("app").args("make", "app").build());
    static final CmdImage WEB = CmdImage.of("web", CmdImageSpec.builder().ref("web").args("make", "web").build());
    static final Cluster CLUSTER = Cluster.of("default", RegistryHosting.of("localhost:5000"), "amd64");

    @Test
    void deploysWhatWasBuiltAndSaysWhyNot(FakeCmdImageBuilder builder) {
        builder.succeed("app", BuildOutcomes.result("localhost:5000/app:tilt-0123456789abcdef")
                        .clusterRef("registry:5000/app:tilt-0123456789abcdef"))
                .fail("web", BuildOutcomes.commandFailed("make web", 2, "error: no rule to make target 'web'"));
        Deployer deployer = new Deployer(builder, CLUSTER);

        assertThat(deployer.refToDeploy(APP)).isEqualTo("registry:5000/app:tilt-0123456789abcdef");
        assertThat(deployer.refToDeploy(WEB))
                .isEqualTo("not deployed: Custom build \"make web\" failed: exit status 2");
        assertThat(builder.requests()).extracting(BuildRequest::name).containsExactly("app", "web");
        assertThat(builder.requests()).allSatisfy(r -> assertThat(r.cluster()).isEqualTo(CLUSTER));
    }

    @Test
    void theKitIsWhereThisRunPutIt() {
        // pom.xml runs the tests twice: on the module path, where the kit is the named module dev.cmdimage.testing,
        // and on the class path
        String path = System.getProperty("example.path");
        assertThat(path).isIn("module", "class");
        assertThat(FakeCmdImageBuilder.class.getModule().getName())
                .isEqualTo(path.equals("module") ? "dev.cmdimage.testing" : null);
        assertThat(DeployerTest.class.getModule().getName())
                .isEqualTo(path.equals("module") ? "example.deployer.test" : null);
    }
}
