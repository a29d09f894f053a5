package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.PushException;
import dev.cmdimage.api.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 1a: the spec is valid (BEHAVIOUR.md section 2), and this builder has the plug-ins the spec needs: an image
 * store unless {@code outputMode} is {@code remote}, a registry pusher when the image must be pushed. Nothing runs
 * when this fails.
 */
final class ValidateStep {
    private final PipelineSettings settings;

    ValidateStep(PipelineSettings settings) {
        this.settings = settings;
    }

    void check(CmdImage cmdImage, boolean clusterSharesImageStore) throws CmdImageException {
        List<Problem> problems = problems(cmdImage);
        if (!problems.isEmpty()) {
            throw new ValidationException("CmdImage \"" + (cmdImage.name() == null ? "" : cmdImage.name()) + "\"",
                    problems);
        }
        CmdImageSpec spec = cmdImage.spec();
        boolean remote = CmdImageSpec.OUTPUT_MODE_REMOTE.equals(spec.effectiveOutputMode());
        if (!remote && settings.imageStore() == null) {
            throw new ImageStoreException(Messages.storeNeeded(spec.effectiveOutputMode()));
        }
        PushDecision push = PushDecision.decide(spec, clusterSharesImageStore);
        if (!remote && spec.outputsImageRefTo() == null && push.push() && settings.registryPusher() == null) {
            throw new PushException(Messages.pusherNeeded(push.reason()), spec.ref());
        }
    }

    // TODO(pipeline): replace with dev.cmdimage.core.Validation.check once the codec branch lands in main.
    private static List<Problem> problems(CmdImage cmdImage) {
        List<Problem> problems = new ArrayList<>();
        CmdImageSpec spec = cmdImage.spec();
        if (cmdImage.name() == null) {
            problems.add(Problem.required("metadata.name"));
        }
        if (spec.ref() == null) {
            problems.add(Problem.required("spec.ref"));
        } else {
            try {
                ImageRef.parse(spec.ref());
            } catch (IllegalArgumentException e) {
                problems.add(Problem.invalid("spec.ref", spec.ref(), e.getMessage()));
            }
        }
        if (spec.args().isEmpty()) {
            problems.add(Problem.required("spec.args"));
        } else if (spec.args().get(0) == null || spec.args().get(0).isEmpty()) {
            problems.add(Problem.required("spec.args[0]"));
        }
        for (int i = 0; i < spec.env().size(); i++) {
            String e = spec.env().get(i);
            if (e == null || e.indexOf('=') <= 0) {
                problems.add(Problem.invalid("spec.env[" + i + "]", e == null ? null : redactedEntry(e),
                        "must be KEY=VALUE with a non-empty KEY"));
            }
        }
        if (spec.outputMode() != null && !CmdImageSpec.OUTPUT_MODES.contains(spec.outputMode())) {
            problems.add(Problem.unsupported("spec.outputMode", spec.outputMode(), CmdImageSpec.OUTPUT_MODES));
        }
        if (spec.clusterNeeds() != null && !CmdImageSpec.CLUSTER_NEEDS.contains(spec.clusterNeeds())) {
            problems.add(Problem.unsupported("spec.clusterNeeds", spec.clusterNeeds(), CmdImageSpec.CLUSTER_NEEDS));
        }
        if (spec.outputTag() != null && !ImageRef.isValidTag(spec.outputTag())) {
            problems.add(Problem.invalid("spec.outputTag", spec.outputTag(), "must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"));
        }
        if (spec.outputTag() != null && spec.outputsImageRefTo() != null) {
            problems.add(Problem.forbidden("spec.outputsImageRefTo", "may not be set together with spec.outputTag"));
        }
        return problems;
    }

    private static String redactedEntry(String entry) {
        return entry.indexOf('=') < 0 ? entry : dev.cmdimage.api.Redaction.envEntry(entry);
    }
}
