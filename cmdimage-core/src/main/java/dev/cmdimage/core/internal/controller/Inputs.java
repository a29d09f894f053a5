package dev.cmdimage.core.internal.controller;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.RegistryHosting;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything whose change makes a CmdImage's build out of date: its spec, the images of the ImageMaps it depends
 * on, its cluster's registry and architecture, and the last request to rebuild it (a file change or a trigger).
 * Two builds with equal inputs are the same build; nothing else triggers one.
 *
 * @param spec    the CmdImage's spec
 * @param cluster the cluster's registry and architecture (both {@code null} without a cluster)
 * @param maps    the image each ImageMap in {@code spec.imageMaps} resolves to, in spec order
 * @param rebuild the last request to rebuild ({@link Rebuild#NONE} when there was none)
 */
record Inputs(CmdImageSpec spec, ClusterKey cluster, List<MapImage> maps, Rebuild rebuild) {

    Inputs {
        maps = List.copyOf(maps);
        rebuild = rebuild == null ? Rebuild.NONE : rebuild;
    }

    /** The same inputs without a rebuild request. */
    Inputs(CmdImageSpec spec, ClusterKey cluster, List<MapImage> maps) {
        this(spec, cluster, maps, Rebuild.NONE);
    }

    /**
     * A request to rebuild although nothing the build reads changed: files it depends on, or a trigger.
     *
     * @param seq    counts the requests of one CmdImage (a new request is a new value)
     * @param reason why, e.g. {@code files changed: src/a.txt} or {@code triggered}
     */
    record Rebuild(long seq, String reason) {
        static final Rebuild NONE = new Rebuild(0, null);

        /** The request after this one. */
        Rebuild next(String why) {
            return new Rebuild(seq + 1, why);
        }
    }

    /** Whether these inputs differ from {@code other} only in the rebuild request. */
    boolean onlyRebuildDiffers(Inputs other) {
        return other != null && spec.equals(other.spec) && Objects.equals(cluster, other.cluster)
                && maps.equals(other.maps) && !rebuild.equals(other.rebuild);
    }

    /**
     * The part of a Cluster a build depends on.
     *
     * @param registry the registry images are pushed to ({@code status.registry}, else {@code spec.defaultRegistry})
     * @param arch     the CPU architecture
     */
    record ClusterKey(RegistryHosting registry, String arch) {
        static final ClusterKey NONE = new ClusterKey(null, null);

        static ClusterKey of(Cluster cluster) {
            if (cluster == null) {
                return NONE;
            }
            RegistryHosting registry = cluster.status().registry() != null
                    ? cluster.status().registry()
                    : cluster.spec().defaultRegistry();
            return new ClusterKey(registry, cluster.status().arch());
        }
    }

    /**
     * The image an ImageMap resolves to (its {@code buildStartTime} is left out: a rebuild that produced the same
     * image is no change).
     */
    record MapImage(String name, String image, String imageFromLocal, String imageFromCluster) {
        static MapImage of(ImageMap map) {
            ImageMap.Status s = map.status();
            return new MapImage(map.name(), s.image(), s.imageFromLocal(), s.imageFromCluster());
        }
    }

    /**
     * Why a build with these inputs runs, given the inputs of the last build started, even if it was cancelled
     * ({@code null} when there was none): {@code build requested}, {@code spec changed}, {@code image map base changed},
     * {@code cluster default changed}, or several of the latter two joined by commas; when only the rebuild request
     * is new, its reason ({@code files changed: ...}, {@code triggered}).
     */
    String reasonSince(Inputs previous) {
        if (previous == null) {
            return "build requested";
        }
        if (!previous.spec.equals(spec)) {
            return "spec changed";
        }
        List<String> parts = new ArrayList<>();
        for (MapImage now : maps) {
            MapImage before = previous.maps.stream().filter(m -> m.name().equals(now.name())).findFirst().orElse(null);
            if (!now.equals(before)) {
                parts.add("image map " + now.name() + " changed");
            }
        }
        if (!Objects.equals(previous.cluster, cluster)) {
            parts.add("cluster " + spec.effectiveCluster() + " changed");
        }
        if (parts.isEmpty() && !rebuild.equals(previous.rebuild) && rebuild.reason() != null) {
            return rebuild.reason();
        }
        return parts.isEmpty() ? "build requested" : String.join(", ", parts);
    }
}
