package dev.cmdimage.api;

import org.jspecify.annotations.Nullable;

/**
 * What a successful build produced.
 *
 * @param status         the final status ({@code completed}, with {@code ref})
 * @param imageMapStatus what the ImageMap of the same name now resolves to
 * @param localRef       the image as seen from the local network (familiar form)
 * @param clusterRef     the image as seen from the cluster's container runtime (familiar form)
 * @param imageId        the image ID ({@code sha256:...}), or {@code null} when nothing was verified
 *                       ({@code remote} mode)
 * @param pushedDigest   the manifest digest the registry reported, or {@code null} when nothing was pushed
 */
public record BuildResult(
        CmdImageStatus status,
        ImageMap.Status imageMapStatus,
        String localRef,
        String clusterRef,
        @Nullable String imageId,
        @Nullable String pushedDigest) {}
