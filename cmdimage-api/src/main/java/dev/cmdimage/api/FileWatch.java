package dev.cmdimage.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Files whose changes rebuild the CmdImages that depend on them ({@code FileWatch} of Tilt's API). A CmdImage
 * depends on the FileWatches its annotation {@value #FILE_WATCHES_ANNOTATION} names (comma-separated); its
 * annotation {@value #DEPS_ANNOTATION} (comma-separated paths) makes {@code CmdImageSet} create one for it, named
 * {@code image:<name>} ({@link #implicitName(String)}), as Tilt names the FileWatch of a {@code custom_build}.
 *
 * <p>The controller owns the status: it says since when the paths are watched, the latest batches of changes it
 * saw, and why it cannot watch, if it cannot. Construct with {@link #of(String, List)} or
 * {@code new FileWatch(meta, FileWatch.Spec.builder()...build(), null)}.
 *
 * @param metadata the object's metadata
 * @param spec     what is watched and what is ignored
 * @param status   what the watch saw
 */
public record FileWatch(ObjectMeta metadata, Spec spec, Status status) implements ApiObject {
    /** The wire kind. */
    public static final String KIND = "FileWatch";
    /** The annotation on a CmdImage naming the FileWatches it depends on, comma-separated: a cmdimage extension. */
    public static final String FILE_WATCHES_ANNOTATION = "cmdimage.dev/file-watches";
    /**
     * The annotation on a CmdImage listing the paths it depends on, comma-separated, relative to the file it was
     * read from (or the base directory given with it): a cmdimage extension, Tilt's {@code custom_build(deps=...)}.
     */
    public static final String DEPS_ANNOTATION = "cmdimage.dev/deps";
    /** The prefix of the name of a CmdImage's implicit FileWatch, as in Tilt. */
    public static final String IMPLICIT_PREFIX = "image:";

    /** A {@code null} metadata, spec or status becomes empty. */
    public FileWatch {
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        spec = spec == null ? Spec.EMPTY : spec;
        status = status == null ? Status.EMPTY : status;
    }

    /** A FileWatch named {@code name} watching {@code watchedPaths}, ignoring nothing. */
    public static FileWatch of(String name, List<String> watchedPaths) {
        return new FileWatch(ObjectMeta.named(name), Spec.builder().watchedPaths(watchedPaths).build(), Status.EMPTY);
    }

    /** The name of the FileWatch that {@value #DEPS_ANNOTATION} on the CmdImage {@code cmdImageName} creates. */
    public static String implicitName(String cmdImageName) {
        return IMPLICIT_PREFIX + cmdImageName;
    }

    /**
     * The names of the FileWatches a CmdImage depends on: those its {@value #FILE_WATCHES_ANNOTATION} annotation
     * names, then its implicit one when it has a non-blank {@value #DEPS_ANNOTATION} annotation; each once, in that
     * order, blanks skipped.
     */
    public static List<String> namesFor(CmdImage cmdImage) {
        List<String> names = new ArrayList<>();
        for (String n : splitList(cmdImage.metadata().annotations().get(FILE_WATCHES_ANNOTATION))) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        String deps = cmdImage.metadata().annotations().get(DEPS_ANNOTATION);
        if (deps != null && !deps.isBlank() && cmdImage.name() != null) {
            String implicit = implicitName(cmdImage.name());
            if (!names.contains(implicit)) {
                names.add(implicit);
            }
        }
        return List.copyOf(names);
    }

    /** The entries of a comma-separated annotation value, trimmed, blanks skipped; empty for {@code null}. */
    public static List<String> splitList(@Nullable String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String p = part.strip();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    /** A copy with another status. */
    public FileWatch withStatus(Status newStatus) {
        return new FileWatch(metadata, spec, newStatus);
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
     * FileWatch spec. Construct with {@link #builder()}; change with {@link #toBuilder()}.
     *
     * @param watchedPaths  the files and directories to watch (directories recursively); a relative path resolves
     *                      against the controller's base directory. Required, at least one
     * @param ignores       rules that filter out some of the changes
     * @param disableSource where Tilt reads whether the watch is disabled; kept and written back, but cmdimage
     *                      holds no ConfigMaps, so it never disables a watch, or {@code null}
     * @param extra         other spec fields, as read
     */
    public record Spec(List<String> watchedPaths, List<IgnoreDef> ignores, @Nullable DisableSource disableSource,
            Map<String, Object> extra) {
        /** An empty spec. */
        public static final Spec EMPTY = new Spec(null, null, null, null);

        /** {@code null} lists and maps become empty; they are copied ({@code extra} deeply). */
        public Spec {
            watchedPaths = Strings.list(watchedPaths);
            ignores = Strings.list(ignores);
            extra = Strings.jsonMap(extra);
        }

        /** A new, empty builder. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding this spec's values. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.watchedPaths = new ArrayList<>(watchedPaths);
            b.ignores = new ArrayList<>(ignores);
            b.disableSource = disableSource;
            b.extra = extra;
            return b;
        }

        /** Builds a {@link Spec}; every setter replaces the previous value. */
        public static final class Builder {
            private List<String> watchedPaths = new ArrayList<>();
            private List<IgnoreDef> ignores = new ArrayList<>();
            private DisableSource disableSource;
            private Map<String, Object> extra;

            private Builder() {}

            /** The files and directories to watch; replaces the previous ones. */
            public Builder watchedPaths(List<String> paths) {
                this.watchedPaths = new ArrayList<>(Objects.requireNonNull(paths, "paths"));
                return this;
            }

            /** The files and directories to watch; replaces the previous ones. */
            public Builder watchedPaths(String... paths) {
                return watchedPaths(List.of(paths));
            }

            /** The ignore rules; replaces the previous ones. */
            public Builder ignores(List<IgnoreDef> ignores) {
                this.ignores = new ArrayList<>(Objects.requireNonNull(ignores, "ignores"));
                return this;
            }

            /** Adds an ignore rule: {@code patterns} ({@code .dockerignore} syntax) relative to {@code basePath}. */
            public Builder addIgnore(String basePath, String... patterns) {
                this.ignores.add(new IgnoreDef(basePath, List.of(patterns)));
                return this;
            }

            /** Where Tilt reads whether the watch is disabled (kept, not acted upon), or {@code null}. */
            public Builder disableSource(@Nullable DisableSource source) {
                this.disableSource = source;
                return this;
            }

            /** The spec; nothing is validated here (see {@code dev.cmdimage.core.Validation}). */
            public Spec build() {
                return new Spec(watchedPaths, ignores, disableSource, extra);
            }
        }
    }

    /**
     * Changes to ignore ({@code IgnoreDef}).
     *
     * @param basePath the directory the patterns are relative to (required); with no patterns, everything under it
     *                 is ignored
     * @param patterns {@code .dockerignore} rules: {@code *} (within one path segment), {@code **} (any number of
     *                 segments), {@code ?}, a leading {@code !} re-includes, a leading {@code /} is the base
     *                 path; the last rule that matches a path or one of its parent directories decides
     */
    public record IgnoreDef(@Nullable String basePath, List<String> patterns) {
        /** An empty base path becomes {@code null}; a {@code null} list becomes empty; the list is copied. */
        public IgnoreDef {
            basePath = Strings.emptyToNull(basePath);
            patterns = Strings.list(patterns);
        }
    }

    /**
     * Where Tilt reads whether an object is disabled ({@code DisableSource}).
     *
     * @param configMap      the ConfigMap holding the state, or {@code null}
     * @param everyConfigMap ConfigMaps that all must say disabled
     */
    public record DisableSource(@Nullable ConfigMapDisableSource configMap,
            List<ConfigMapDisableSource> everyConfigMap) {
        /** A {@code null} list becomes empty; the list is copied. */
        public DisableSource {
            everyConfigMap = Strings.list(everyConfigMap);
        }
    }

    /**
     * A ConfigMap key holding whether something is disabled ({@code ConfigMapDisableSource}).
     *
     * @param name the ConfigMap's name
     * @param key  the key holding the state
     */
    public record ConfigMapDisableSource(@Nullable String name, @Nullable String key) {
        /** Empty strings become {@code null}. */
        public ConfigMapDisableSource {
            name = Strings.emptyToNull(name);
            key = Strings.emptyToNull(key);
        }
    }

    /**
     * FileWatch status, written by the controller.
     *
     * @param monitorStartTime when watching started, or {@code null} when it has not (yet)
     * @param lastEventTime    when the latest batch of changes was seen, or {@code null}
     * @param fileEvents       the latest batches of changes, oldest first (at most {@value #MAX_FILE_EVENTS})
     * @param error            why the paths cannot be watched, or {@code null}
     * @param extra            other status fields, as read
     */
    public record Status(@Nullable MicroTime monitorStartTime, @Nullable MicroTime lastEventTime,
            List<FileEvent> fileEvents, @Nullable String error, Map<String, Object> extra) {
        /** How many batches a status keeps, as in Tilt. */
        public static final int MAX_FILE_EVENTS = 20;
        /** Nothing seen. */
        public static final Status EMPTY = new Status(null, null, null, null, null);

        /** An empty error becomes {@code null}; {@code null} lists and maps become empty; they are copied. */
        public Status {
            fileEvents = Strings.list(fileEvents);
            error = Strings.emptyToNull(error);
            extra = Strings.jsonMap(extra);
        }
    }

    /**
     * One batch of changes ({@code FileEvent}).
     *
     * @param time      when the batch was seen (required on the wire)
     * @param seenFiles the paths that were created, changed or deleted (the controller lists the first
     *                  {@value #MAX_SEEN_FILES} of a batch)
     */
    public record FileEvent(@Nullable MicroTime time, List<String> seenFiles) {
        /** How many paths of one batch the controller lists. */
        public static final int MAX_SEEN_FILES = 100;

        /** A {@code null} list becomes empty; the list is copied. */
        public FileEvent {
            seenFiles = Strings.list(seenFiles);
        }
    }
}
