package example.deployer;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.Cluster;

/** Builds a service's image with cmdimage and says which ref to deploy: the code the tests test. */
public final class Deployer {
    private final CmdImageBuilder builder;
    private final Cluster cluster;

    /** Builds with {@code builder} for {@code cluster} (which names the registry images are pushed to). */
    public Deployer(CmdImageBuilder builder, Cluster cluster) {
        this.builder = builder;
        this.cluster = cluster;
    }

    /** The ref the cluster pulls, or {@code not deployed: <the first line of the error>}. */
    public String refToDeploy(CmdImage image) {
        try {
            return builder.build(BuildRequest.builder(image).cluster(cluster).build()).clusterRef();
        } catch (CmdImageException e) {
            return "not deployed: " + e.getMessage().lines().findFirst().orElse("");
        }
    }
}
