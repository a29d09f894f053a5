package dev.cmdimage.testing.readme;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;

/** The consumer code of the README's unit test: builds a service's image and says which ref to deploy. */
final class Deployer {
    private final CmdImageBuilder builder;

    Deployer(CmdImageBuilder builder) {
        this.builder = builder;
    }

    /** The ref the cluster pulls, or {@code not deployed: <first line of the error>}. */
    String refToDeploy(CmdImage image) {
        try {
            return builder.build(BuildRequest.builder(image).build()).clusterRef();
        } catch (CmdImageException e) {
            return "not deployed: " + e.getMessage().lines().findFirst().orElse("");
        }
    }
}
