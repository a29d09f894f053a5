package dev.cmdimage.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An image to build with an arbitrary command ({@code CmdImage} of Tilt's {@code tilt.dev/v1alpha1} API).
 *
 * @param metadata the object's metadata (a name is required to build)
 * @param spec     how to build
 * @param status   what happened, {@link CmdImageStatus#EMPTY} (state {@link CmdImageStatus.Pending}) when nothing
 *                 has
 */
public record CmdImage(ObjectMeta metadata, CmdImageSpec spec, CmdImageStatus status) implements ApiObject {
    /** The wire kind. */
    public static final String KIND = "CmdImage";

    /** A {@code null} metadata or status becomes empty; {@code spec} is required. */
    public CmdImage {
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        Objects.requireNonNull(spec, "spec");
        status = status == null ? CmdImageStatus.EMPTY : status;
    }

    /** A CmdImage named {@code name} with the given spec and no status. */
    public static CmdImage of(String name, CmdImageSpec spec) {
        return new CmdImage(ObjectMeta.named(name), spec, CmdImageStatus.EMPTY);
    }

    /** A copy with another status. */
    public CmdImage withStatus(CmdImageStatus newStatus) {
        return new CmdImage(metadata, spec, newStatus);
    }

    /** A copy with another spec. */
    public CmdImage withSpec(CmdImageSpec newSpec) {
        return new CmdImage(metadata, newSpec, status);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public @Nullable String name() {
        return metadata.name();
    }
}
