package dev.cmdimage.core.internal.controller;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Everything a {@link DefaultCmdImageController} is made of; assembled by
 * {@code dev.cmdimage.core.CmdImageControllers.Builder}.
 *
 * @param builder                 runs the builds
 * @param maxParallelBuilds       how many builds may run at once (at least 1)
 * @param executor                where the controller's own work runs (reconciling, delivering changes), or
 *                                {@code null} for a daemon thread of the controller's
 * @param baseEnvironment         the environment every command starts from, or {@code null} for the JVM's
 * @param baseDirectory           the directory relative {@code dir}s resolve against, or {@code null}
 * @param buildTimeout            the longest one build's command may run, or {@code null} for no limit
 * @param buildListener           hears every build's output lines and steps
 * @param clusterSharesImageStore whether a cluster ({@code null} when the build has none) runs images straight
 *                                from the image store
 * @param clock                   the time source of the statuses the controller writes itself
 * @param baseDirectories         the base directory of each CmdImage's build, or {@code null} for
 *                                {@code baseDirectory} for all
 * @param fileWatchDebounce       how long files must be quiet before their changes rebuild
 * @param neverWatched            absolute paths whose changes never trigger a build (the image store's directory)
 */
public record ControllerConfig(
        CmdImageBuilder builder,
        int maxParallelBuilds,
        Executor executor,
        Map<String, String> baseEnvironment,
        Path baseDirectory,
        Duration buildTimeout,
        BuildListener buildListener,
        Predicate<Cluster> clusterSharesImageStore,
        Clock clock,
        Function<? super CmdImage, ? extends Path> baseDirectories,
        Duration fileWatchDebounce,
        Set<Path> neverWatched) {

    /** The debounce of file changes unless configured. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);

    public ControllerConfig {
        Objects.requireNonNull(builder, "builder");
        if (maxParallelBuilds < 1) {
            throw new IllegalArgumentException("maxParallelBuilds must be at least 1: " + maxParallelBuilds);
        }
        baseEnvironment = baseEnvironment == null ? null : Map.copyOf(baseEnvironment);
        if (buildTimeout != null && (buildTimeout.isZero() || buildTimeout.isNegative())) {
            throw new IllegalArgumentException("buildTimeout must be positive: " + buildTimeout);
        }
        buildListener = buildListener == null ? BuildListener.NONE : buildListener;
        clusterSharesImageStore = clusterSharesImageStore == null ? c -> false : clusterSharesImageStore;
        clock = clock == null ? Clock.systemUTC() : clock;
        fileWatchDebounce = fileWatchDebounce == null ? DEFAULT_DEBOUNCE : fileWatchDebounce;
        if (fileWatchDebounce.isNegative()) {
            throw new IllegalArgumentException("fileWatchDebounce must not be negative: " + fileWatchDebounce);
        }
        neverWatched = neverWatched == null ? Set.of() : Set.copyOf(neverWatched);
    }

    /** The directory relative paths of {@code image} resolve against, or {@code null}. */
    public Path baseDirectoryOf(CmdImage image) {
        if (baseDirectories != null) {
            Path dir = baseDirectories.apply(image);
            if (dir != null) {
                return dir;
            }
        }
        return baseDirectory;
    }

    /** The base environment is not printed (it may hold secrets). */
    @Override
    public String toString() {
        return "ControllerConfig[maxParallelBuilds=" + maxParallelBuilds + ", baseDirectory=" + baseDirectory
                + ", buildTimeout=" + buildTimeout + "]";
    }
}
