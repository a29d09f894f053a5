package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.spi.ClusterTarget;

/**
 * Whether a built image is pushed, loaded into the cluster, or neither, and why (BEHAVIOUR.md section 4 step 12).
 * The first matching rule wins:
 * <ol>
 *   <li>{@code outputMode} {@code remote} or {@code local-docker-and-remote}: skip, the command pushes itself;</li>
 *   <li>{@code clusterNeeds: base-image}: skip, a base image is not deployed;</li>
 *   <li>the cluster runs images from the same image store: skip;</li>
 *   <li>there is no cluster (the caller builds for none): skip, nothing would pull it;</li>
 *   <li>the cluster has no registry and a loader serves its product: load (Tilt's "kind load", in Tilt's
 *       place);</li>
 *   <li>a local cluster ({@link ClusterTarget#LOCAL_PRODUCTS}) without a registry and without a loader: refuse
 *       (never push its image to the image's own, usually public, registry);</li>
 *   <li>otherwise push.</li>
 * </ol>
 *
 * @param action what to do
 * @param reason why, for the log (for {@link Action#REFUSE}: the sentence the build fails with)
 */
record PushDecision(Action action, String reason) {
    static final String COMMAND_PUSHES = "the command handles push itself";
    static final String BASE_IMAGE = "base image does not need deploy";
    static final String SHARED_STORE = "the cluster runs images straight from the image store";
    static final String NO_CLUSTER = "no cluster to push for";
    static final String CLUSTER_PULLS = "the cluster pulls images from a registry";

    /** What step 12 does. */
    enum Action {
        /** Nothing. */
        SKIP,
        /** Load the image into the cluster's own runtime. */
        LOAD,
        /** Push the local ref to its registry. */
        PUSH,
        /** Fail the build: a local cluster without registry or loader. */
        REFUSE
    }

    /** Whether the decision is to push. */
    boolean push() {
        return action == Action.PUSH;
    }

    /**
     * @param cluster                 the cluster, or {@code null} for none
     * @param hasRegistry             whether the build has a registry (the cluster's or its default)
     * @param clusterSharesImageStore whether the cluster runs images straight from the image store
     * @param loaderServes            whether a cluster image loader serves {@code cluster}
     */
    static PushDecision decide(CmdImageSpec spec, ClusterTarget cluster, boolean hasRegistry,
            boolean clusterSharesImageStore, boolean loaderServes) {
        String mode = spec.effectiveOutputMode();
        if (mode.equals(CmdImageSpec.OUTPUT_MODE_REMOTE) || mode.equals(CmdImageSpec.OUTPUT_MODE_LOCAL_DOCKER_AND_REMOTE)) {
            return new PushDecision(Action.SKIP, COMMAND_PUSHES);
        }
        if (spec.effectiveClusterNeeds().equals(CmdImageSpec.CLUSTER_NEEDS_BASE_IMAGE)) {
            return new PushDecision(Action.SKIP, BASE_IMAGE);
        }
        if (clusterSharesImageStore) {
            return new PushDecision(Action.SKIP, SHARED_STORE);
        }
        if (cluster == null) {
            return new PushDecision(Action.SKIP, NO_CLUSTER);
        }
        if (!hasRegistry && loaderServes) {
            return new PushDecision(Action.LOAD, "the cluster " + describe(cluster)
                    + " has no registry: loading the image into its own image store");
        }
        if (!hasRegistry && cluster.isLocal()) {
            return new PushDecision(Action.REFUSE, Messages.noLoader(describe(cluster), cluster.product()));
        }
        return new PushDecision(Action.PUSH, CLUSTER_PULLS);
    }

    /** {@code <context> (<product>)}, or the name alone when the product is unknown. */
    static String describe(ClusterTarget cluster) {
        return cluster.displayName() + (cluster.product() == null ? "" : " (" + cluster.product() + ")");
    }
}
