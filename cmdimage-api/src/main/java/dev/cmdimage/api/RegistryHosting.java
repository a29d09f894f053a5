package dev.cmdimage.api;

import org.jspecify.annotations.Nullable;

/**
 * Where a cluster's image registry is, as seen from different places ({@code RegistryHosting}).
 *
 * @param host                     the registry as seen from the local network, e.g. {@code localhost:5000} or
 *                                 {@code gcr.io/my-project} (a host may carry a path)
 * @param hostFromClusterNetwork   the registry as seen from pods, or {@code null}
 * @param hostFromContainerRuntime the registry as seen from the cluster's container runtime, or {@code null}
 *                                 (then {@code host})
 * @param help                     a help text, or {@code null}
 * @param singleName               a registry that allows one image name only (e.g. some ECR setups): every
 *                                 image is pushed under this name and told apart by its tag; or {@code null}
 */
public record RegistryHosting(
        @Nullable String host,
        @Nullable String hostFromClusterNetwork,
        @Nullable String hostFromContainerRuntime,
        @Nullable String help,
        @Nullable String singleName) {

    /** Empty strings become {@code null}. */
    public RegistryHosting {
        host = Strings.emptyToNull(host);
        hostFromClusterNetwork = Strings.emptyToNull(hostFromClusterNetwork);
        hostFromContainerRuntime = Strings.emptyToNull(hostFromContainerRuntime);
        help = Strings.emptyToNull(help);
        singleName = Strings.emptyToNull(singleName);
    }

    /** A registry reached at the same host from everywhere. */
    public static RegistryHosting of(String host) {
        return new RegistryHosting(host, null, null, null, null);
    }

    /** {@code hostFromContainerRuntime}, falling back to {@code host}. */
    public @Nullable String effectiveHostFromContainerRuntime() {
        return hostFromContainerRuntime != null ? hostFromContainerRuntime : host;
    }
}
