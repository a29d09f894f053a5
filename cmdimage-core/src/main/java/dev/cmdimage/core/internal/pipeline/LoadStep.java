package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ClusterImageLoader;
import dev.cmdimage.spi.ClusterTarget;
import java.util.List;

/**
 * Step 12, for a cluster without a registry that a {@link ClusterImageLoader} serves: loads the local ref into the
 * cluster's own image store instead of pushing it, logging why, then {@code loaded into <cluster> (<product>)}.
 * Failures become {@code <the loader's words for the load>: <cause>}, e.g. {@code kind load into kind-dev: ...}.
 */
final class LoadStep {
    private final ClusterImageLoader loader;

    LoadStep(ClusterImageLoader loader) {
        this.loader = loader;
    }

    /** @return the name the image landed under in the cluster's runtime */
    String load(ImageRef ref, ClusterTarget target, PushDecision decision, BuildEvents events, SecretMasker masker,
            Cancellation cancellation) throws CmdImageException {
        String where = PushDecision.describe(target);
        events.log("Loading " + ref.familiarString() + " into " + where + " instead of pushing it ("
                + decision.reason() + ")");
        String landed;
        try {
            landed = loader.load(ref, target, line -> events.log(masker.mask(line)), cancellation);
        } catch (ClusterLoadException e) {
            throw new ClusterLoadException(Messages.loadFailed(describe(target), masker.mask(e.getMessage())),
                    target.displayName(), target.product(), ref.familiarString(),
                    e.toolOutput().stream().map(masker::mask).toList(), e);
        } catch (RuntimeException e) {
            throw new ClusterLoadException(Messages.loadFailed(describe(target), masker.mask(
                    Messages.unexpected("the cluster image loader", "loading " + ref.familiarString(), e))),
                    target.displayName(), target.product(), ref.familiarString(), List.of(), e);
        }
        String name = landed == null || landed.isBlank() ? ref.fullString() : landed;
        events.log("loaded into " + where + " as " + name);
        return name;
    }

    private String describe(ClusterTarget target) {
        try {
            String words = loader.describeLoad(target);
            return words == null || words.isBlank() ? "load into " + target.displayName() : words;
        } catch (RuntimeException e) {
            return "load into " + target.displayName();
        }
    }
}
