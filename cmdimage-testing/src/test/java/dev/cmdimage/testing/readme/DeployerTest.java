package dev.cmdimage.testing.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.testing.BuildOutcomes;
import dev.cmdimage.testing.CmdImageTest;
import dev.cmdimage.testing.FakeCmdImageBuilder;
import org.junit.jupiter.api.Test;

// README-BEGIN unit
@CmdImageTest
class DeployerTest {
    static final CmdImage APP = CmdImage.of("app", CmdImageSpec.builder().ref("app").args("make", "app").build());
    static final CmdImage WEB = CmdImage.of("web", CmdImageSpec.builder().ref("web").args("make", "web").build());

    @Test
    void deploysWhatWasBuiltAndSaysWhyNot(FakeCmdImageBuilder builder) {
        builder.succeed("app", "localhost:5000/app:tilt-0123456789abcdef")
                .fail("web", BuildOutcomes.commandFailed("make web", 2, "error: no rule to make target 'web'"));
        Deployer deployer = new Deployer(builder); // the code under test

        assertThat(deployer.refToDeploy(APP)).isEqualTo("localhost:5000/app:tilt-0123456789abcdef");
        assertThat(deployer.refToDeploy(WEB))
                .isEqualTo("not deployed: Custom build \"make web\" failed: exit status 2");
        assertThat(builder.requests()).extracting(BuildRequest::name).containsExactly("app", "web");
    }
}
// README-END unit
