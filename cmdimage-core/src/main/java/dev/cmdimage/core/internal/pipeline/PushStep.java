package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.RegistryPusher;

/**
 * Step 12: pushes the local ref through the {@link RegistryPusher} when the {@link PushDecision} says so; logs
 * why when it does not. Failures become {@code <the pusher's words for the push>: <cause>}: {@code docker push:
 * <cause>} from the Docker pusher, {@code push to <registry>: <cause>} from others.
 */
final class PushStep {
    private final RegistryPusher pusher;

    PushStep(RegistryPusher pusher) {
        this.pusher = pusher;
    }

    /** @return the pushed manifest digest, or {@code null} when nothing was pushed */
    String push(ImageRef ref, PushDecision decision, BuildEvents events, SecretMasker masker,
            Cancellation cancellation) throws CmdImageException {
        if (!decision.push()) {
            events.log("Not pushing " + ref.familiarString() + ": " + decision.reason());
            return null;
        }
        if (pusher == null) {
            throw new PushException(Messages.pusherNeeded(decision.reason()), ref.familiarString());
        }
        events.log("Pushing " + ref.familiarString() + " (" + decision.reason() + ")");
        String digest;
        try {
            digest = pusher.push(ref, line -> events.log(masker.mask(line)), cancellation);
        } catch (PushException e) {
            throw new PushException(Messages.pushFailed(describe(ref), masker.mask(e.getMessage())),
                    ref.familiarString(), e);
        } catch (RuntimeException e) {
            throw new PushException(Messages.pushFailed(describe(ref), masker.mask(
                    Messages.unexpected("the registry pusher", "pushing " + ref.familiarString(), e))),
                    ref.familiarString(), e);
        }
        return digest;
    }

    private String describe(ImageRef ref) {
        try {
            String words = pusher.describePush(ref);
            return words == null || words.isBlank() ? "push to " + ref.domain() : words;
        } catch (RuntimeException e) {
            return "push to " + ref.domain();
        }
    }
}
