package dev.cmdimage.core.internal.codec;

import java.util.List;

/**
 * Facts about Tilt's wire form: the field order of each Go struct (encoding/json writes fields in declaration
 * order), used so that unmodelled fields kept in {@code extra} maps go back where the API server would put them.
 */
final class Wire {
    static final String LIST_KIND = "List";
    static final String LIST_API_VERSION = "v1";

    /** k8s.io/apimachinery metav1.ObjectMeta, in declaration order. */
    static final List<String> OBJECT_META = List.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");
    /** metav1.ListMeta. */
    static final List<String> LIST_META = List.of("selfLink", "resourceVersion", "continue", "remainingItemCount");
    /** Tilt's CmdImageSpec ({@code env} is ours: Tilt's Go type has none; it sits after {@code dir}). */
    static final List<String> CMD_IMAGE_SPEC = List.of("ref", "args", "dir", "env", "imageMaps", "outputMode",
            "outputTag", "outputsImageRefTo", "cluster", "clusterNeeds");
    /** Tilt's ImageMapSpec. */
    static final List<String> IMAGE_MAP_SPEC = List.of("selector", "matchExact", "matchInEnvVars",
            "overrideCommand", "overrideArgs", "disableSource");
    /** Tilt's ImageMapStatus. */
    static final List<String> IMAGE_MAP_STATUS = List.of("image", "imageFromLocal", "imageFromCluster",
            "buildStartTime");
    /** Tilt's ClusterSpec. */
    static final List<String> CLUSTER_SPEC = List.of("connection", "defaultRegistry");
    /** Tilt's ClusterStatus. */
    static final List<String> CLUSTER_STATUS = List.of("arch", "error", "connectedAt", "registry", "connection",
            "version");

    /** Tilt's FileWatchSpec. */
    static final List<String> FILE_WATCH_SPEC = List.of("watchedPaths", "ignores", "disableSource");
    /** Tilt's FileWatchStatus. */
    static final List<String> FILE_WATCH_STATUS = List.of("monitorStartTime", "lastEventTime", "fileEvents", "error",
            "disableStatus");

    private Wire() {}
}
