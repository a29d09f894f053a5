package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageSpec;

/**
 * Whether a built image is pushed, and why (BEHAVIOUR.md section 4 step 12). The first matching rule wins:
 * <ol>
 *   <li>{@code outputMode} {@code remote} or {@code local-docker-and-remote}: no, the command pushes itself;</li>
 *   <li>{@code clusterNeeds: base-image}: no, a base image is not deployed;</li>
 *   <li>the cluster runs images from the same image store: no;</li>
 *   <li>there is no cluster (the caller builds for none): no, nothing would pull it;</li>
 *   <li>otherwise yes.</li>
 * </ol>
 *
 * @param push   whether to push
 * @param reason why, for the log
 */
record PushDecision(boolean push, String reason) {
    static final String COMMAND_PUSHES = "the command handles push itself";
    static final String BASE_IMAGE = "base image does not need deploy";
    static final String SHARED_STORE = "the cluster runs images straight from the image store";
    static final String NO_CLUSTER = "no cluster to push for";
    static final String CLUSTER_PULLS = "the cluster pulls images from a registry";

    static PushDecision decide(CmdImageSpec spec, boolean hasCluster, boolean clusterSharesImageStore) {
        String mode = spec.effectiveOutputMode();
        if (mode.equals(CmdImageSpec.OUTPUT_MODE_REMOTE) || mode.equals(CmdImageSpec.OUTPUT_MODE_LOCAL_DOCKER_AND_REMOTE)) {
            return new PushDecision(false, COMMAND_PUSHES);
        }
        if (spec.effectiveClusterNeeds().equals(CmdImageSpec.CLUSTER_NEEDS_BASE_IMAGE)) {
            return new PushDecision(false, BASE_IMAGE);
        }
        if (clusterSharesImageStore) {
            return new PushDecision(false, SHARED_STORE);
        }
        if (!hasCluster) {
            return new PushDecision(false, NO_CLUSTER);
        }
        return new PushDecision(true, CLUSTER_PULLS);
    }
}
