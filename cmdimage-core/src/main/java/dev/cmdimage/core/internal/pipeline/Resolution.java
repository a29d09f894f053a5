package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.internal.registry.RefSet;
import java.util.List;

/**
 * What step 1b found: where the image goes and what it builds on.
 *
 * @param registry  the registry, or {@code null} for none
 * @param arch      the cluster's architecture, or {@code null} when unknown
 * @param refs      the image's names in that registry
 * @param imageMaps the ImageMaps of {@code spec.imageMaps}, in order
 */
record Resolution(RegistryHosting registry, String arch, RefSet refs, List<ResolvedImageMap> imageMaps) {
    /**
     * One ImageMap the build depends on.
     *
     * @param name           its name
     * @param imageFromLocal the image it resolves to, as seen from the local network
     */
    record ResolvedImageMap(String name, String imageFromLocal) {}
}
