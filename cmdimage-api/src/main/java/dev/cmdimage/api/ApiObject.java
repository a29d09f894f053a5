package dev.cmdimage.api;

import org.jspecify.annotations.Nullable;

/**
 * An object of the {@code tilt.dev/v1alpha1} API that cmdimage reads, builds with or writes.
 */
public sealed interface ApiObject permits CmdImage, CmdImageList, ImageMap, Cluster, FileWatch {
    /** The API group and version of every object here. */
    String API_VERSION = "tilt.dev/v1alpha1";

    /** The {@code kind} written on the wire, e.g. {@code CmdImage}. */
    String kind();

    /** The name from the metadata, or {@code null} when it has none (always for lists). */
    @Nullable String name();
}
