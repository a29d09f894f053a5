package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.internal.validation.Validator;

/**
 * Step 1a: the CmdImage is valid ({@link Validator}, BEHAVIOUR.md section 2), and this builder has the plug-ins
 * the spec needs: an image store unless {@code outputMode} is {@code remote}, a registry pusher when the image
 * must be pushed. Nothing runs when this fails.
 */
final class ValidateStep {
    private final PipelineSettings settings;

    ValidateStep(PipelineSettings settings) {
        this.settings = settings;
    }

    void check(CmdImage cmdImage, boolean hasCluster, boolean clusterSharesImageStore) throws CmdImageException {
        Validator.check(cmdImage);
        CmdImageSpec spec = cmdImage.spec();
        boolean remote = CmdImageSpec.OUTPUT_MODE_REMOTE.equals(spec.effectiveOutputMode());
        if (!remote && settings.imageStore() == null) {
            throw new ImageStoreException(Messages.storeNeeded(spec.effectiveOutputMode()));
        }
        PushDecision push = PushDecision.decide(spec, hasCluster, clusterSharesImageStore);
        if (!remote && spec.outputsImageRefTo() == null && push.push() && settings.registryPusher() == null) {
            throw new PushException(Messages.pusherNeeded(push.reason()), spec.ref());
        }
    }
}
