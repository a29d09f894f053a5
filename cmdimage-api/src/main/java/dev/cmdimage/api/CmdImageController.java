package dev.cmdimage.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Holds CmdImages, ImageMaps, Clusters and FileWatches and keeps the images built: a CmdImage whose
 * ImageMaps or Cluster are not ready shows {@code waiting}; it is (re)built when its spec changes, when an ImageMap
 * it depends on resolves to a new image, or when its Cluster's registry or architecture changes; builds run in
 * dependency order with bounded parallelism; a build made obsolete is cancelled; a cycle is an error on every
 * member. Each CmdImage publishes its result to the ImageMap with the same name.
 *
 * <p>Files: a CmdImage is also rebuilt when a file of a {@link FileWatch} it depends on changes (the annotations
 * {@value FileWatch#FILE_WATCHES_ANNOTATION} and {@value FileWatch#DEPS_ANNOTATION}), with the reason
 * {@code files changed: <up to 3 paths> (+N more)}: changes are watched with file system events, debounced (a burst
 * of saves is one build), and changes during a build queue one rebuild after it. Changes inside {@code .git}
 * directories, under the paths the controller is told never to watch (the image store's directory) and to a build's
 * {@code outputsImageRefTo} file never trigger a build.
 * {@link #trigger(String, String)} rebuilds on demand.
 *
 * <p>What a CmdImage shows: {@code waiting} names exactly what it waits for ({@code waiting for image map base},
 * {@code waiting for cluster default: <error>}, {@code waiting for a build slot}); {@code building} says why it
 * builds ({@code build requested}, {@code spec changed}, {@code image map base changed},
 * {@code cluster default changed}); {@code completed} carries the ref or the error. A CmdImage without
 * {@code spec.cluster} (or naming {@code default}) uses the Cluster {@code default} when there is one and builds
 * without a cluster otherwise; a cluster is not ready while its {@code status.error} is set. While a CmdImage
 * builds or is about to, the CmdImages depending on its ImageMap wait for it, so each builds once per change.
 * An unchanged re-apply, a new {@code buildStartTime} for the same image, or a failed build triggers nothing.
 *
 * <p>Get one from {@code dev.cmdimage.core.CmdImageControllers.builder(cmdImageBuilder)...build()}. Thread-safe.
 * {@link #close()} cancels every build in flight and returns only when no process of theirs is left.
 */
public interface CmdImageController extends AutoCloseable {
    /**
     * Adds or replaces an object by kind and name: a {@link CmdImage}, an {@link ImageMap}, a {@link Cluster}, a
     * {@link FileWatch}, or a {@link CmdImageList} (each item). The status of an applied CmdImage or FileWatch is
     * ignored (the controller owns it);
     * the status of an applied ImageMap or Cluster is taken as given, except that an ImageMap without any image
     * does not erase what the CmdImage of the same name published (a Tilt file declares such ImageMaps). Re-applying
     * an unchanged object does nothing.
     *
     * @throws IllegalArgumentException when the object (or an item of a list) has no {@code metadata.name}
     * @throws IllegalStateException    when the controller is closed
     */
    void apply(ApiObject object);

    /**
     * Removes an object ({@code kind} is {@code CmdImage}, {@code ImageMap}, {@code Cluster} or {@code FileWatch},
     * in any case); a
     * deleted CmdImage's build is cancelled, and the ImageMap the controller created for it is removed too. Unknown
     * names are ignored, and so is every call once the controller is closed.
     *
     * @throws IllegalArgumentException for another kind
     */
    void delete(String kind, String name);

    /** The CmdImage of that name, with its current status. */
    Optional<CmdImage> cmdImage(String name);

    /**
     * Why the last build of the CmdImage of that name failed: the same {@link CmdImageException} (with its subtype
     * and structured fields, e.g. {@link CommandFailedException#exitCode()}) that {@link CmdImageBuilder#build}
     * throws. Empty when there is no such CmdImage, when no build of it has ended yet, when its last build
     * succeeded, and when it was completed with an error without a build (a dependency cycle); a cancelled build
     * that was replaced leaves the previous answer. The default implementation knows of no failure.
     *
     * @param name the CmdImage's {@code metadata.name}
     * @return the exception the last build ended with, or empty
     */
    default Optional<CmdImageException> lastFailure(String name) {
        return Optional.empty();
    }

    /** The ImageMap of that name, with its current status. */
    Optional<ImageMap> imageMap(String name);

    /** The Cluster of that name. */
    Optional<Cluster> cluster(String name);

    /**
     * The FileWatch of that name, with the status the controller gives it (since when it watches, the latest
     * changes it saw, or why it cannot watch). The default implementation holds no FileWatches.
     *
     * @param name the FileWatch's {@code metadata.name}
     * @return the FileWatch, or empty
     */
    default Optional<FileWatch> fileWatch(String name) {
        return Optional.empty();
    }

    /**
     * Rebuilds the CmdImage of that name now, whether or not anything changed, with {@code reason} as its
     * {@code building} reason. When it is building, one rebuild follows the build in flight (never a cancel); when
     * it waits for a dependency, it builds once that is ready; a trigger before its first build started is that
     * build (reason {@code build requested}).
     *
     * @param name   the CmdImage's {@code metadata.name}
     * @param reason why, e.g. {@code triggered} (shown in the status), or {@code null} for {@code triggered}
     * @return whether the controller holds a CmdImage of that name
     * @throws IllegalStateException         when the controller is closed
     * @throws UnsupportedOperationException in the default implementation
     */
    default boolean trigger(String name, @Nullable String reason) {
        throw new UnsupportedOperationException("this controller cannot rebuild on demand");
    }

    /** Rebuilds the CmdImage of that name now, reason {@code triggered}: see {@link #trigger(String, String)}. */
    default boolean trigger(String name) {
        return trigger(name, null);
    }

    /**
     * Every object the controller holds, CmdImages first, then ImageMaps, then Clusters, then FileWatches, each by
     * name.
     */
    List<ApiObject> objects();

    /**
     * Subscribes to changes: {@code listener} hears every change of every object, in order per object, on a
     * thread of the controller's.
     *
     * @return a handle whose {@code close()} unsubscribes
     */
    Subscription subscribe(Listener listener);

    /**
     * Waits until nothing is building or due to build (every CmdImage is waiting or completed) and every change has
     * been delivered to the subscribers. Do not call it from a {@link Listener}.
     *
     * @return {@code true} when idle, {@code false} when the timeout ran out first
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException;

    /** Cancels every build in flight, waits until their processes are gone, and stops the controller's threads. */
    @Override
    void close();

    /** Hears changes of objects held by a controller. Must be fast and must not throw. */
    @FunctionalInterface
    interface Listener {
        /** {@code object} changed (its status, or it was applied); {@code deleted} when it was removed. */
        void changed(ApiObject object, boolean deleted);
    }
}
