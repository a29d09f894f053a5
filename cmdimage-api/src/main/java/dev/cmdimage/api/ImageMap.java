package dev.cmdimage.api;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a built image is published, so that other builds and deployments can find it ({@code ImageMap}).
 * Each CmdImage publishes its result to the ImageMap with the same {@code metadata.name}.
 *
 * @param metadata the object's metadata
 * @param spec     what the map selects
 * @param status   the image it currently resolves to
 */
public record ImageMap(ObjectMeta metadata, Spec spec, Status status) implements ApiObject {
    /** The wire kind. */
    public static final String KIND = "ImageMap";

    /** A {@code null} metadata, spec or status becomes empty. */
    public ImageMap {
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        spec = spec == null ? Spec.EMPTY : spec;
        status = status == null ? Status.EMPTY : status;
    }

    /** An ImageMap named {@code name} selecting {@code selector}, with no image yet. */
    public static ImageMap of(String name, String selector) {
        return new ImageMap(ObjectMeta.named(name), new Spec(selector, false, false, null), Status.EMPTY);
    }

    /** A copy with another status. */
    public ImageMap withStatus(Status newStatus) {
        return new ImageMap(metadata, spec, newStatus);
    }

    /** Whether the map resolves to an image (builds depending on it may run). */
    public boolean isReady() {
        return status.imageFromLocal() != null || status.image() != null;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public @Nullable String name() {
        return metadata.name();
    }

    /**
     * ImageMap spec.
     *
     * @param selector       the image name the map replaces (e.g. the CmdImage's {@code spec.ref})
     * @param matchExact     whether the selector must match exactly (tag included)
     * @param matchInEnvVars whether to replace the image in environment variables too
     * @param extra          other spec fields, as read
     */
    public record Spec(
            @Nullable String selector, boolean matchExact, boolean matchInEnvVars, Map<String, Object> extra) {
        /** An empty spec. */
        public static final Spec EMPTY = new Spec(null, false, false, null);

        /**
         * An empty selector becomes {@code null}; a {@code null} {@code extra} becomes empty; it is copied deeply
         * (nested maps and lists too).
         */
        public Spec {
            selector = Strings.emptyToNull(selector);
            extra = Strings.jsonMap(extra);
        }
    }

    /**
     * ImageMap status.
     *
     * @param image            the image as the cluster sees it (same as {@code imageFromCluster})
     * @param imageFromLocal   the image as seen from the local network
     * @param imageFromCluster the image as seen from the cluster's container runtime
     * @param buildStartTime   when the build that produced it started
     */
    public record Status(
            @Nullable String image,
            @Nullable String imageFromLocal,
            @Nullable String imageFromCluster,
            @Nullable MicroTime buildStartTime) {
        /** No image yet. */
        public static final Status EMPTY = new Status(null, null, null, null);

        /** Empty strings become {@code null}. */
        public Status {
            image = Strings.emptyToNull(image);
            imageFromLocal = Strings.emptyToNull(imageFromLocal);
            imageFromCluster = Strings.emptyToNull(imageFromCluster);
        }

        /** A status for an image that is the same from the local network and the cluster. */
        public static Status of(String image) {
            Objects.requireNonNull(image, "image");
            return new Status(image, image, image, null);
        }
    }
}
