package dev.cmdimage.core.internal.registry;

import dev.cmdimage.api.ImageRef;
import java.util.Objects;

/**
 * One built image, named as seen from the local network and from the cluster's container runtime.
 *
 * @param local   the ref used to build, verify, tag and push (e.g. {@code localhost:5000/app:tilt-0123...})
 * @param cluster the ref the cluster pulls (e.g. {@code registry:5000/app:tilt-0123...})
 */
public record TaggedRefs(ImageRef local, ImageRef cluster) {
    public TaggedRefs {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** The same ref from everywhere. */
    public static TaggedRefs same(ImageRef ref) {
        return new TaggedRefs(ref, ref);
    }
}
