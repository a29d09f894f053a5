package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.internal.validation.Validator;
import dev.cmdimage.spi.ClusterTarget;
import java.util.List;

/**
 * Step 1a: the CmdImage is valid ({@link Validator}, BEHAVIOUR.md section 2), and this builder has the plug-ins
 * the spec needs: an image store unless {@code outputMode} is {@code remote}, a registry pusher when the image
 * must be pushed; and a local cluster without a registry has a loader that serves it. Nothing runs when this fails.
 */
final class ValidateStep {
    private final PipelineSettings settings;

    ValidateStep(PipelineSettings settings) {
        this.settings = settings;
    }

    void check(CmdImage cmdImage, Cluster cluster, boolean clusterSharesImageStore) throws CmdImageException {
        Validator.check(cmdImage);
        CmdImageSpec spec = cmdImage.spec();
        boolean remote = CmdImageSpec.OUTPUT_MODE_REMOTE.equals(spec.effectiveOutputMode());
        if (!remote && settings.imageStore() == null) {
            throw new ImageStoreException(Messages.storeNeeded(spec.effectiveOutputMode()));
        }
        if (remote || spec.outputsImageRefTo() != null || cluster == null || cluster.status().error() != null) {
            return; // nothing is pushed or loaded, or step 1b fails with the cluster's error
        }
        PushDecision push = PushDecisions.decide(spec, cluster, settings, clusterSharesImageStore);
        if (push.push() && settings.registryPusher() == null) {
            throw new PushException(Messages.pusherNeeded(push.reason()), spec.ref());
        }
        if (push.action() == PushDecision.Action.REFUSE) {
            ClusterTarget target = ClusterTarget.of(cluster);
            throw new ClusterLoadException(push.reason(), target.displayName(), target.product(), spec.ref(),
                    List.of(), null);
        }
    }
}
