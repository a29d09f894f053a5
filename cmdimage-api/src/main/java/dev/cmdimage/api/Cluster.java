package dev.cmdimage.api;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The cluster images are built for ({@code Cluster}): its registry and architecture.
 *
 * @param metadata the object's metadata
 * @param spec     the configured default registry
 * @param status   what is known of the cluster: registry, architecture, or an error
 */
public record Cluster(ObjectMeta metadata, Spec spec, Status status) implements ApiObject {
    /** The wire kind. */
    public static final String KIND = "Cluster";

    /** A {@code null} metadata, spec or status becomes empty. */
    public Cluster {
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        spec = spec == null ? Spec.EMPTY : spec;
        status = status == null ? Status.EMPTY : status;
    }

    /** A ready cluster with the given registry (may be {@code null}) and architecture (may be {@code null}). */
    public static Cluster of(String name, @Nullable RegistryHosting registry, @Nullable String arch) {
        return new Cluster(ObjectMeta.named(name), Spec.EMPTY, new Status(registry, arch, null, null));
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
     * Cluster spec.
     *
     * @param defaultRegistry the registry to use when the cluster reports none, or {@code null}
     * @param extra           other spec fields ({@code connection}, ...), as read
     */
    public record Spec(@Nullable RegistryHosting defaultRegistry, Map<String, Object> extra) {
        /** An empty spec. */
        public static final Spec EMPTY = new Spec(null, null);

        /** A {@code null} {@code extra} becomes empty; it is copied deeply (nested maps and lists too). */
        public Spec {
            extra = Strings.jsonMap(extra);
        }
    }

    /**
     * Cluster status.
     *
     * @param registry the registry the cluster reports, or {@code null}
     * @param arch     the cluster's CPU architecture ({@code amd64}, {@code arm64}, ...), or {@code null}
     * @param error    why the cluster is not usable, or {@code null}
     * @param extra    other status fields, as read
     */
    public record Status(
            @Nullable RegistryHosting registry,
            @Nullable String arch,
            @Nullable String error,
            Map<String, Object> extra) {
        /** Nothing known. */
        public static final Status EMPTY = new Status(null, null, null, null);

        /**
         * Empty strings become {@code null}; a {@code null} {@code extra} becomes empty; it is copied deeply (nested
         * maps and lists too).
         */
        public Status {
            arch = Strings.emptyToNull(arch);
            error = Strings.emptyToNull(error);
            extra = Strings.jsonMap(extra);
        }
    }
}
