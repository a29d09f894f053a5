package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.internal.registry.RefRewriter;
import dev.cmdimage.core.internal.registry.RefSet;
import dev.cmdimage.core.internal.registry.RegistryResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 1b: the cluster's registry and architecture, the image's names in that registry, and every ImageMap of
 * {@code spec.imageMaps} (each must exist and have an image: {@code missing image map <name>}).
 */
final class ResolveStep {
    Resolution resolve(BuildRequest request) throws CmdImageException {
        RegistryHosting registry = RegistryResolver.registryFor(request.cluster());
        String arch = request.cluster() == null ? null : request.cluster().status().arch();
        RefSet refs;
        try {
            refs = RefRewriter.refSet(ImageRef.parse(request.cmdImage().spec().ref()), registry);
        } catch (IllegalArgumentException e) {
            throw new CmdImageException(e.getMessage(), e);
        }
        List<Resolution.ResolvedImageMap> maps = new ArrayList<>();
        for (String name : request.cmdImage().spec().imageMaps()) {
            ImageMap map = request.imageMaps().get(name);
            if (map == null || !map.isReady()) {
                throw new DependencyNotReadyException("missing image map " + name, ImageMap.KIND + "/" + name);
            }
            ImageMap.Status s = map.status();
            maps.add(new Resolution.ResolvedImageMap(name, s.imageFromLocal() != null ? s.imageFromLocal() : s.image()));
        }
        return new Resolution(registry, arch, refs, List.copyOf(maps));
    }
}
