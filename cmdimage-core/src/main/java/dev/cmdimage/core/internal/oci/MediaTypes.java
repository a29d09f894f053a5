package dev.cmdimage.core.internal.oci;

import java.util.Set;

/** The media types an image store understands (OCI image spec v1 and Docker image manifest v2 schema 2). */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

    private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    private static final Set<String> CONFIGS = Set.of(OCI_CONFIG, DOCKER_CONFIG);

    private MediaTypes() {}

    /** An image manifest (one platform). */
    public static boolean isManifest(String mediaType) {
        return mediaType != null && MANIFESTS.contains(mediaType);
    }

    /** An image index / manifest list (many platforms). */
    public static boolean isIndex(String mediaType) {
        return mediaType != null && INDEXES.contains(mediaType);
    }

    /** An image configuration. */
    public static boolean isConfig(String mediaType) {
        return mediaType != null && CONFIGS.contains(mediaType);
    }

    /** A filesystem layer (OCI layer types in every compression, Docker rootfs diffs, foreign layers). */
    public static boolean isLayer(String mediaType) {
        return mediaType != null && (mediaType.startsWith("application/vnd.oci.image.layer.")
                || mediaType.startsWith("application/vnd.docker.image.rootfs."));
    }
}
