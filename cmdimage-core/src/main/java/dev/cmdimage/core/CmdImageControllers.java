package dev.cmdimage.core;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.core.internal.controller.ControllerConfig;
import dev.cmdimage.core.internal.controller.DefaultCmdImageController;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Creates {@link CmdImageController}s: the controller that holds CmdImages, ImageMaps and Clusters and keeps every
 * image built, in dependency order (see {@link CmdImageController} for what it does and shows).
 *
 * <pre>{@code
 * try (CmdImageBuilder cmdImageBuilder = CmdImages.builder().imageStore(store).build();
 *         CmdImageController controller = CmdImageControllers.builder(cmdImageBuilder)
 *                 .maxParallelBuilds(4)
 *                 .buildTimeout(Duration.ofMinutes(10))
 *                 .build()) {
 *     controller.subscribe((object, deleted) -> System.out.println(object));
 *     objects.forEach(controller::apply);
 *     controller.awaitIdle(Duration.ofHours(1));
 * }
 * }</pre>
 *
 * <p>Closing the controller cancels its builds and returns once they have stopped (no process of theirs is left,
 * bounded by two minutes should a plug-in ignore cancellation), then ends the controller's threads
 * ({@code cmdimage-controller-<n>}, and {@code cmdimage-controller-<n>-watch} once it holds a FileWatch). It does
 * not close the {@link CmdImageBuilder}: close that after the controller (try-with-resources closes in reverse
 * order, as above).
 */
public final class CmdImageControllers {
    private CmdImageControllers() {}

    /** A builder for a controller that runs its builds with {@code builder}. */
    public static Builder builder(CmdImageBuilder builder) {
        return new Builder(builder);
    }

    /** Configures and creates a {@link CmdImageController}. Every setting has a default. */
    public static final class Builder {
        private final CmdImageBuilder builder;
        private int maxParallelBuilds = Runtime.getRuntime().availableProcessors();
        private Executor executor;
        private Map<String, String> baseEnvironment;
        private Path baseDirectory;
        private Function<? super CmdImage, ? extends Path> baseDirectories;
        private Duration buildTimeout;
        private BuildListener buildListener = BuildListener.NONE;
        private Predicate<Cluster> clusterSharesImageStore = cluster -> false;
        private Clock clock = Clock.systemUTC();
        private Duration fileWatchDebounce = ControllerConfig.DEFAULT_DEBOUNCE;
        private final Set<Path> neverWatched = new LinkedHashSet<>();

        private Builder(CmdImageBuilder builder) {
            this.builder = Objects.requireNonNull(builder, "builder");
        }

        /** How many builds may run at once (default: the number of available processors). */
        public Builder maxParallelBuilds(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxParallelBuilds must be at least 1: " + max);
            }
            this.maxParallelBuilds = max;
            return this;
        }

        /**
         * Where the controller does its own work: reconciling and delivering changes to subscribers (builds run on
         * the {@link CmdImageBuilder}'s threads). The controller never runs two of its tasks at once on it and never
         * shuts it down. Default: one daemon thread of the controller's, stopped by {@code close()}.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The environment every build command starts from (default: the JVM's). */
        public Builder baseEnvironment(Map<String, String> environment) {
            this.baseEnvironment = Map.copyOf(environment);
            return this;
        }

        /** The working directory of commands whose spec has no {@code dir} (default: the JVM's). */
        public Builder baseDirectory(Path directory) {
            this.baseDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * The working directory, per CmdImage, of commands whose spec has no {@code dir}, and the directory its
         * relative {@code dir} and {@code outputsImageRefTo} resolve against: typically the directory of the file
         * the CmdImage was read from ({@link CmdImageSetController} sets it so). Where the function returns
         * {@code null}, {@link #baseDirectory(Path)} applies. Called under the controller's lock: must be fast.
         */
        public Builder baseDirectories(Function<? super CmdImage, ? extends Path> directories) {
            this.baseDirectories = Objects.requireNonNull(directories, "directories");
            return this;
        }

        /**
         * The longest one build may take, from its start to {@code completed} (every step, not only the command);
         * when it runs out the build ends with a timeout error and its processes are killed (default: no limit).
         */
        public Builder buildTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("buildTimeout must be positive: " + timeout);
            }
            this.buildTimeout = timeout;
            return this;
        }

        /** Hears every build's output lines, steps and status changes, on build threads. */
        public Builder buildListener(BuildListener listener) {
            this.buildListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Whether every cluster runs images straight from the image store, so nothing is pushed (default: no). */
        public Builder clusterSharesImageStore(boolean shares) {
            this.clusterSharesImageStore = cluster -> shares;
            return this;
        }

        /**
         * Decides per cluster whether it runs images straight from the image store (then nothing is pushed). The
         * predicate gets {@code null} for a build without a cluster.
         */
        public Builder clusterSharesImageStore(Predicate<@Nullable Cluster> shares) {
            this.clusterSharesImageStore = Objects.requireNonNull(shares, "shares");
            return this;
        }

        /** The clock of the times the controller writes into statuses itself (default: the system clock, UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long the files of a FileWatch must be quiet before their changes rebuild the CmdImages depending on
         * them (default: 200 ms): a burst of saves within it is one build. Zero reports each batch of events at once.
         */
        public Builder fileWatchDebounce(Duration debounce) {
            Objects.requireNonNull(debounce, "debounce");
            if (debounce.isNegative()) {
                throw new IllegalArgumentException("fileWatchDebounce must not be negative: " + debounce);
            }
            this.fileWatchDebounce = debounce;
            return this;
        }

        /**
         * Paths whose changes never trigger a build, nor changes under them: typically the image store's own
         * directory (an OCI image layout inside a watched source tree would otherwise rebuild after every build).
         * Adds to the paths given before; a relative path resolves against the JVM's working directory.
         * Changes inside {@code .git} directories and to a build's {@code outputsImageRefTo} file never trigger
         * either, without being listed.
         */
        public Builder neverWatch(Path... paths) {
            for (Path p : paths) {
                neverWatched.add(Objects.requireNonNull(p, "path").toAbsolutePath().normalize());
            }
            return this;
        }

        /**
         * A new controller, holding nothing yet. Close it to cancel its builds, wait until their processes are
         * gone, and stop its thread; it leaves the {@link CmdImageBuilder} open.
         */
        public CmdImageController build() {
            return new DefaultCmdImageController(new ControllerConfig(builder, maxParallelBuilds, executor,
                    baseEnvironment, baseDirectory, buildTimeout, buildListener, clusterSharesImageStore, clock,
                    baseDirectories, fileWatchDebounce, neverWatched));
        }
    }
}
