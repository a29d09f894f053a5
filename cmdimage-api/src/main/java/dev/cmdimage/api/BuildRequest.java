package dev.cmdimage.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything one build needs: the CmdImage and the objects it refers to, plus how to run it.
 * Construct with {@link #builder(CmdImage)}.
 *
 * <p>Compatibility: the builder is how this record stays compatible as builds learn new options. A new option is a
 * new builder method (and a new accessor); the canonical constructor then gains a component, and the previous one
 * stays as a deprecated constructor, so code compiled against this version keeps linking. Record patterns that
 * deconstruct this record do not survive a new component: read it through its accessors.
 *
 * @param cmdImage                the CmdImage to build
 * @param cluster                 the cluster it builds for, or {@code null} (no registry, unknown architecture)
 * @param imageMaps               the ImageMaps available to it, by name
 * @param baseEnvironment         the environment the command starts from, or {@code null} for the JVM's
 * @param baseDirectory           the working directory when the spec has no {@code dir}, and the directory
 *                                relative {@code dir} and {@code outputsImageRefTo} resolve against, or
 *                                {@code null} for the JVM's working directory
 * @param timeout                 the longest the whole build may take, from its start to {@code completed} (every
 *                                step: the command, reading the ref file, verifying, retagging and pushing), or
 *                                {@code null} for no limit. When it runs out in the command, the command's
 *                                process tree is killed; in another step, that step is cancelled and its thread
 *                                interrupted. Either way the build ends {@code completed} with a
 *                                {@link BuildTimeoutException}.
 * @param reason                  why this build runs (shown in {@code status.building.reason})
 * @param clusterSharesImageStore whether the cluster runs images straight from the image store (e.g. Docker
 *                                Desktop, or kind/minikube sharing the engine): then nothing is pushed
 * @param listener                who hears about the build
 */
public record BuildRequest(
        CmdImage cmdImage,
        @Nullable Cluster cluster,
        Map<String, ImageMap> imageMaps,
        @Nullable Map<String, String> baseEnvironment,
        @Nullable Path baseDirectory,
        @Nullable Duration timeout,
        String reason,
        boolean clusterSharesImageStore,
        BuildListener listener) {

    /** The reason used when the caller gives none. */
    public static final String DEFAULT_REASON = "build requested";

    /**
     * Copies the maps; {@code null} image maps mean none, a {@code null} or empty reason means
     * {@link #DEFAULT_REASON}, a {@code null} listener means {@link BuildListener#NONE}.
     *
     * @throws NullPointerException     when {@code cmdImage} is {@code null}
     * @throws IllegalArgumentException when {@code timeout} is zero or negative
     */
    public BuildRequest {
        Objects.requireNonNull(cmdImage, "cmdImage");
        imageMaps = Strings.map(imageMaps);
        baseEnvironment = baseEnvironment == null ? null : Strings.map(baseEnvironment);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        reason = reason == null || reason.isEmpty() ? DEFAULT_REASON : reason;
        listener = listener == null ? BuildListener.NONE : listener;
    }

    /** A builder for a request to build {@code cmdImage}. */
    public static Builder builder(CmdImage cmdImage) {
        return new Builder(cmdImage);
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder(cmdImage);
        b.cluster = cluster;
        b.imageMaps.putAll(imageMaps);
        b.baseEnvironment = baseEnvironment;
        b.baseDirectory = baseDirectory;
        b.timeout = timeout;
        b.reason = reason;
        b.clusterSharesImageStore = clusterSharesImageStore;
        b.listener = listener;
        return b;
    }

    /** The name of the CmdImage being built. */
    public String name() {
        return cmdImage.name();
    }

    @Override
    public String toString() {
        return "BuildRequest[cmdImage=" + cmdImage + ", cluster=" + cluster + ", imageMaps=" + imageMaps.keySet()
                + ", baseEnvironment=" + (baseEnvironment == null ? "<jvm>" : Redaction.envMap(baseEnvironment))
                + ", baseDirectory=" + baseDirectory + ", timeout=" + timeout + ", reason=" + reason
                + ", clusterSharesImageStore=" + clusterSharesImageStore + "]";
    }

    /** Builds a {@link BuildRequest}. */
    public static final class Builder {
        private final CmdImage cmdImage;
        private Cluster cluster;
        private final Map<String, ImageMap> imageMaps = new LinkedHashMap<>();
        private Map<String, String> baseEnvironment;
        private Path baseDirectory;
        private Duration timeout;
        private String reason;
        private boolean clusterSharesImageStore;
        private BuildListener listener;

        private Builder(CmdImage cmdImage) {
            this.cmdImage = Objects.requireNonNull(cmdImage, "cmdImage");
        }

        /** The cluster the image is built for; {@code null} (the default) for none. */
        public Builder cluster(@Nullable Cluster cluster) { this.cluster = cluster; return this; }
        /** Adds ImageMaps, keyed by their names (a later one replaces an earlier one of the same name). */
        public Builder imageMaps(Iterable<ImageMap> maps) { maps.forEach(this::imageMap); return this; }
        /** Adds one ImageMap, keyed by its name (replacing one of the same name). */
        public Builder imageMap(ImageMap map) { imageMaps.put(map.name(), map); return this; }
        /** The environment the command starts from; {@code null} (the default) for the JVM's. */
        public Builder baseEnvironment(@Nullable Map<String, String> env) { this.baseEnvironment = env; return this; }
        /** The directory commands run in and relative paths resolve against; {@code null} for the JVM's. */
        public Builder baseDirectory(@Nullable Path dir) { this.baseDirectory = dir; return this; }
        /**
         * The longest the whole build may take, every step included (must be positive); {@code null} (the default)
         * for no limit. See {@link BuildRequest#timeout()}.
         */
        public Builder timeout(@Nullable Duration timeout) { this.timeout = timeout; return this; }
        /** Why this build runs; {@code null} (the default) for {@link #DEFAULT_REASON}. */
        public Builder reason(@Nullable String reason) { this.reason = reason; return this; }
        /** Whether the cluster runs images straight from the image store, so nothing is pushed (default false). */
        public Builder clusterSharesImageStore(boolean shares) { this.clusterSharesImageStore = shares; return this; }
        /** Who hears about the build; {@code null} (the default) for {@link BuildListener#NONE}. */
        public Builder listener(@Nullable BuildListener listener) { this.listener = listener; return this; }

        /**
         * The request.
         *
         * @throws IllegalArgumentException when the timeout is zero or negative
         */
        public BuildRequest build() {
            return new BuildRequest(cmdImage, cluster, imageMaps, baseEnvironment, baseDirectory, timeout, reason,
                    clusterSharesImageStore, listener);
        }
    }
}
