package dev.cmdimage.core.internal.registry;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.RegistryHosting;

/** Decides which registry a build uses (BEHAVIOUR.md section 3). */
public final class RegistryResolver {
    private RegistryResolver() {}

    /**
     * The registry for builds on {@code cluster}: its {@code status.registry}, else its
     * {@code spec.defaultRegistry}, else none.
     *
     * @param cluster the cluster, or {@code null} (then no registry)
     * @return the registry, or {@code null} for none
     * @throws DependencyNotReadyException {@code cluster not ready: <error>} when {@code status.error} is set
     */
    public static RegistryHosting registryFor(Cluster cluster) throws DependencyNotReadyException {
        if (cluster == null) {
            return null;
        }
        if (cluster.status().error() != null) {
            throw new DependencyNotReadyException("cluster not ready: " + cluster.status().error(),
                    Cluster.KIND + "/" + cluster.name());
        }
        if (hasHost(cluster.status().registry())) {
            return cluster.status().registry();
        }
        if (hasHost(cluster.spec().defaultRegistry())) {
            return cluster.spec().defaultRegistry();
        }
        return null;
    }

    private static boolean hasHost(RegistryHosting registry) {
        return registry != null && registry.host() != null;
    }
}
