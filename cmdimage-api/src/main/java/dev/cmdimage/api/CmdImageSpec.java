package dev.cmdimage.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the user's command builds an image and where it puts it ({@code CmdImageSpec} of Tilt's API).
 *
 * <p>String-valued enums ({@link #outputMode()}, {@link #clusterNeeds()}) are kept as read, so that an object
 * with an unknown value can still be read and validation can say what is wrong with it. Use the constants
 * below. Construct with {@link #builder()}; change with {@link #toBuilder()}.
 *
 * <p>Compatibility: the builder is how this record stays compatible as Tilt's API grows. A new field is a new
 * builder method (and a new accessor); the canonical constructor then gains a component, and the previous one stays
 * as a deprecated constructor, so code compiled against this version keeps linking. Record patterns that deconstruct
 * this record do not survive a new component: read it through its accessors.
 *
 * @param ref               the named reference of the image (required)
 * @param args              the command line, as an argv (at least one element)
 * @param dir               the working directory, or {@code null} for the caller's (a relative one resolves
 *                          against {@link BuildRequest#baseDirectory()})
 * @param env               extra {@code KEY=VALUE} environment entries
 * @param imageMaps         names of the ImageMaps this build depends on
 * @param outputMode        where the image is built: one of the {@code OUTPUT_MODE_*} constants, or {@code null}
 * @param outputTag         the tag the command is expected to build, or {@code null}
 * @param outputsImageRefTo a file the command writes the built ref into, or {@code null}. A relative path resolves
 *                          against {@link BuildRequest#baseDirectory()} and must stay inside it, also through
 *                          symlinks; an absolute path may name any file and its symlinks are followed. After the
 *                          command the file must be a regular file (not a FIFO, device, socket or directory) of at
 *                          most 4096 bytes, written by the command: the build never deletes or truncates this
 *                          file, and one unchanged since before the command started is stale, an error like a
 *                          missing file
 * @param cluster           the name of the cluster to build for, or {@code null} for {@value #DEFAULT_CLUSTER}
 * @param clusterNeeds      whether the cluster needs the image: {@code CLUSTER_NEEDS_*}, or {@code null} (push)
 */
public record CmdImageSpec(
        @Nullable String ref,
        List<String> args,
        @Nullable String dir,
        List<String> env,
        List<String> imageMaps,
        @Nullable String outputMode,
        @Nullable String outputTag,
        @Nullable String outputsImageRefTo,
        @Nullable String cluster,
        @Nullable String clusterNeeds) {

    /** The image is built into the local Docker image store (also the meaning of an empty mode). */
    public static final String OUTPUT_MODE_LOCAL_DOCKER = "local-docker";
    /** The image is built into the local store and the command also pushes it. */
    public static final String OUTPUT_MODE_LOCAL_DOCKER_AND_REMOTE = "local-docker-and-remote";
    /** The command builds and pushes the image itself; nothing is verified locally. */
    public static final String OUTPUT_MODE_REMOTE = "remote";
    /** Every output mode, in documentation order. */
    public static final List<String> OUTPUT_MODES =
            List.of(OUTPUT_MODE_LOCAL_DOCKER, OUTPUT_MODE_LOCAL_DOCKER_AND_REMOTE, OUTPUT_MODE_REMOTE);

    /** The cluster needs the image pushed to it (also the meaning of an empty value). */
    public static final String CLUSTER_NEEDS_PUSH = "push";
    /** The image is only a base image for other builds; it is never pushed. */
    public static final String CLUSTER_NEEDS_BASE_IMAGE = "base-image";
    /** Every clusterNeeds value. */
    public static final List<String> CLUSTER_NEEDS = List.of(CLUSTER_NEEDS_PUSH, CLUSTER_NEEDS_BASE_IMAGE);

    /** The cluster a spec without {@code cluster} builds for. */
    public static final String DEFAULT_CLUSTER = "default";

    /** Empty strings become {@code null}, {@code null} lists become empty; the lists are copied. */
    public CmdImageSpec {
        ref = Strings.emptyToNull(ref);
        args = Strings.list(args);
        dir = Strings.emptyToNull(dir);
        env = Strings.list(env);
        imageMaps = Strings.list(imageMaps);
        outputMode = Strings.emptyToNull(outputMode);
        outputTag = Strings.emptyToNull(outputTag);
        outputsImageRefTo = Strings.emptyToNull(outputsImageRefTo);
        cluster = Strings.emptyToNull(cluster);
        clusterNeeds = Strings.emptyToNull(clusterNeeds);
    }

    /** The output mode, with {@code null} read as {@link #OUTPUT_MODE_LOCAL_DOCKER}. */
    public String effectiveOutputMode() {
        return outputMode == null ? OUTPUT_MODE_LOCAL_DOCKER : outputMode;
    }

    /** The cluster name, with {@code null} read as {@link #DEFAULT_CLUSTER}. */
    public String effectiveCluster() {
        return cluster == null ? DEFAULT_CLUSTER : cluster;
    }

    /** clusterNeeds, with {@code null} read as {@link #CLUSTER_NEEDS_PUSH} (as the API text says). */
    public String effectiveClusterNeeds() {
        return clusterNeeds == null ? CLUSTER_NEEDS_PUSH : clusterNeeds;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ref = ref;
        b.args = new ArrayList<>(args);
        b.dir = dir;
        b.env = new ArrayList<>(env);
        b.imageMaps = new ArrayList<>(imageMaps);
        b.outputMode = outputMode;
        b.outputTag = outputTag;
        b.outputsImageRefTo = outputsImageRefTo;
        b.cluster = cluster;
        b.clusterNeeds = clusterNeeds;
        return b;
    }

    /** Environment values of secret-looking keys are masked. */
    @Override
    public String toString() {
        return "CmdImageSpec[ref=" + ref + ", args=" + args + ", dir=" + dir + ", env=" + Redaction.envEntries(env)
                + ", imageMaps=" + imageMaps + ", outputMode=" + outputMode + ", outputTag=" + outputTag
                + ", outputsImageRefTo=" + outputsImageRefTo + ", cluster=" + cluster
                + ", clusterNeeds=" + clusterNeeds + "]";
    }

    /** Builds a {@link CmdImageSpec}; every setter replaces the previous value. */
    public static final class Builder {
        private String ref;
        private List<String> args = new ArrayList<>();
        private String dir;
        private List<String> env = new ArrayList<>();
        private List<String> imageMaps = new ArrayList<>();
        private String outputMode;
        private String outputTag;
        private String outputsImageRefTo;
        private String cluster;
        private String clusterNeeds;

        private Builder() {}

        /** The named reference of the image, e.g. {@code my-app} or {@code gcr.io/project/app} (required). */
        public Builder ref(String ref) { this.ref = ref; return this; }
        /** The command line, as an argv (no shell unless it names one); replaces the previous args. */
        public Builder args(List<String> args) { this.args = new ArrayList<>(Objects.requireNonNull(args)); return this; }
        /** The command line, as an argv (no shell unless it names one); replaces the previous args. */
        public Builder args(String... args) { return args(List.of(args)); }
        /** The working directory, or {@code null} for the request's base directory (a relative one: against it). */
        public Builder dir(@Nullable String dir) { this.dir = dir; return this; }
        /** The extra {@code KEY=VALUE} environment entries; replaces the previous ones. */
        public Builder env(List<String> env) { this.env = new ArrayList<>(Objects.requireNonNull(env)); return this; }
        /** Adds one {@code KEY=VALUE} entry. */
        public Builder addEnv(String key, String value) { this.env.add(key + "=" + value); return this; }
        /** The names of the ImageMaps this build depends on; replaces the previous ones. */
        public Builder imageMaps(List<String> imageMaps) { this.imageMaps = new ArrayList<>(Objects.requireNonNull(imageMaps)); return this; }
        /** The names of the ImageMaps this build depends on; replaces the previous ones. */
        public Builder imageMaps(String... imageMaps) { return imageMaps(List.of(imageMaps)); }
        /** One of the {@code OUTPUT_MODE_*} constants, or {@code null} for {@link #OUTPUT_MODE_LOCAL_DOCKER}. */
        public Builder outputMode(@Nullable String outputMode) { this.outputMode = outputMode; return this; }
        /** The tag the command builds (not together with {@link #outputsImageRefTo}), or {@code null}. */
        public Builder outputTag(@Nullable String outputTag) { this.outputTag = outputTag; return this; }
        /**
         * The file the command writes the built ref into (not together with {@link #outputTag}), or {@code null};
         * what it may be: {@link CmdImageSpec#outputsImageRefTo()}.
         */
        public Builder outputsImageRefTo(@Nullable String outputsImageRefTo) { this.outputsImageRefTo = outputsImageRefTo; return this; }
        /** The name of the Cluster to build for, or {@code null} for {@value #DEFAULT_CLUSTER}. */
        public Builder cluster(@Nullable String cluster) { this.cluster = cluster; return this; }
        /** One of the {@code CLUSTER_NEEDS_*} constants, or {@code null} for {@link #CLUSTER_NEEDS_PUSH}. */
        public Builder clusterNeeds(@Nullable String clusterNeeds) { this.clusterNeeds = clusterNeeds; return this; }

        /** The spec; nothing is validated here (see {@code dev.cmdimage.core.Validation}). */
        public CmdImageSpec build() {
            return new CmdImageSpec(ref, args, dir, env, imageMaps, outputMode, outputTag, outputsImageRefTo,
                    cluster, clusterNeeds);
        }
    }
}
