package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.core.internal.registry.RegistryResolver;
import dev.cmdimage.spi.ClusterImageLoader;
import dev.cmdimage.spi.ClusterTarget;

/** Gathers what {@link PushDecision#decide} needs from a build's cluster and the builder's plug-ins. */
final class PushDecisions {
    private PushDecisions() {}

    /**
     * @param cluster the build's cluster, or {@code null}; one whose {@code status.error} is set counts as having a
     *                registry (step 1b fails the build on it before any push)
     */
    static PushDecision decide(CmdImageSpec spec, Cluster cluster, PipelineSettings settings,
            boolean clusterSharesImageStore) {
        if (cluster == null) {
            return PushDecision.decide(spec, null, false, clusterSharesImageStore, false);
        }
        boolean hasRegistry;
        try {
            hasRegistry = RegistryResolver.registryFor(cluster) != null;
        } catch (CmdImageException e) {
            hasRegistry = true;
        }
        ClusterTarget target = ClusterTarget.of(cluster);
        return PushDecision.decide(spec, target, hasRegistry, clusterSharesImageStore,
                serves(settings.clusterImageLoader(), target));
    }

    private static boolean serves(ClusterImageLoader loader, ClusterTarget target) {
        if (loader == null) {
            return false;
        }
        try {
            return loader.serves(target);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
