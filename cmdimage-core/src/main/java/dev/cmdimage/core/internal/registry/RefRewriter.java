package dev.cmdimage.core.internal.registry;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.RegistryHosting;

/**
 * Puts image refs into a registry (BEHAVIOUR.md section 3). For a registry {@code Host}:
 * <ul>
 *   <li>no registry: the ref itself, without its tag;</li>
 *   <li>a ref already under {@code host} or {@code hostFromContainerRuntime} (its familiar or full name starts with
 *       {@code <host>/}) keeps its path; each view gets its own host. For the local view and a ref under
 *       {@code host} that means "unchanged", as in Tilt; beyond Tilt, a ref written with the container runtime's
 *       host (as in Kubernetes YAML) is recognized too, and the cluster view of a ref under {@code host} uses
 *       {@code hostFromContainerRuntime} (the image pushed there is the one the cluster must pull);</li>
 *   <li>{@code singleName} set: {@code <host>/<singleName>}, and tags get the prefix {@code <escaped name>-}
 *       ({@link RefSet#tagFor});</li>
 *   <li>otherwise {@code <host>/} + the familiar name with each of {@code / : @} replaced by {@code _}
 *       ({@code myreg.com} + {@code gcr.io/foo/bar} is {@code myreg.com/gcr.io_foo_bar}).</li>
 * </ul>
 * The cluster view uses {@code hostFromContainerRuntime}, falling back to {@code host}.
 */
public final class RefRewriter {
    private RefRewriter() {}

    /**
     * The local and cluster repositories for {@code configured} in {@code registry}.
     *
     * @param registry the registry, or {@code null} (or one without a host) for none
     * @throws IllegalArgumentException with a sentence naming the registry when a rewritten name is not a valid ref
     */
    public static RefSet refSet(ImageRef configured, RegistryHosting registry) {
        if (registry == null || registry.host() == null) {
            return RefSet.withoutRegistry(configured);
        }
        String host = trimHost(registry.host());
        String runtimeHost = trimHost(registry.effectiveHostFromContainerRuntime());
        ImageRef bare = configured.withoutTag();
        String rest = pathUnder(bare, host);
        if (rest == null) {
            rest = pathUnder(bare, runtimeHost);
        }
        if (rest != null) {
            return new RefSet(configured, parse(host, rest), parse(runtimeHost, rest), false);
        }
        if (registry.singleName() != null) {
            return new RefSet(configured, parse(host, registry.singleName()),
                    parse(runtimeHost, registry.singleName()), true);
        }
        String escaped = RefSet.escape(bare.familiarName());
        return new RefSet(configured, parse(host, escaped), parse(runtimeHost, escaped), false);
    }

    /**
     * The cluster's view of a ref the command reported itself ({@code outputsImageRefTo}): the same ref, with
     * {@code host} replaced by {@code hostFromContainerRuntime} when it is under {@code host}; otherwise unchanged.
     * Tag and digest are kept.
     */
    public static ImageRef clusterRefOf(ImageRef local, RegistryHosting registry) {
        if (registry == null || registry.host() == null) {
            return local;
        }
        String host = trimHost(registry.host());
        String runtimeHost = trimHost(registry.effectiveHostFromContainerRuntime());
        String rest = pathUnder(local.withoutTag(), host);
        if (rest == null || host.equals(runtimeHost)) {
            return local;
        }
        ImageRef moved = parse(runtimeHost, rest);
        return new ImageRef(moved.domain(), moved.path(), local.tag(), local.digest());
    }

    /** The rest of the name after {@code host/}, when the familiar or the full name is under {@code host}. */
    private static String pathUnder(ImageRef bare, String host) {
        String prefix = host + "/";
        if (bare.familiarName().startsWith(prefix)) {
            return bare.familiarName().substring(prefix.length());
        }
        if (bare.name().startsWith(prefix)) {
            return bare.name().substring(prefix.length());
        }
        return null;
    }

    private static ImageRef parse(String host, String rest) {
        String text = host + "/" + rest;
        try {
            return ImageRef.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Error parsing " + text + " after applying registry " + host + ": " + e.getMessage(), e);
        }
    }

    private static String trimHost(String host) {
        String h = host;
        while (h.endsWith("/")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
