package dev.cmdimage.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Holds CmdImages, ImageMaps and Clusters and keeps the images built: a CmdImage whose
 * ImageMaps or Cluster are not ready shows {@code waiting}; it is (re)built when its spec changes, when an ImageMap
 * it depends on resolves to a new image, or when its Cluster's registry or architecture changes; builds run in
 * dependency order with bounded parallelism; a build made obsolete is cancelled; a cycle is an error on every
 * member. Each CmdImage publishes its result to the ImageMap with the same name.
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
     * Adds or replaces an object by kind and name: a {@link CmdImage}, an {@link ImageMap}, a {@link Cluster}, or
     * a {@link CmdImageList} (each item). The status of an applied CmdImage is ignored (the controller owns it);
     * the status of an applied ImageMap or Cluster is taken as given, except that an ImageMap without any image
     * does not erase what the CmdImage of the same name published (a Tilt file declares such ImageMaps). Re-applying
     * an unchanged object does nothing.
     *
     * @throws IllegalArgumentException when the object (or an item of a list) has no {@code metadata.name}
     * @throws IllegalStateException    when the controller is closed
     */
    void apply(ApiObject object);

    /**
     * Removes an object ({@code kind} is {@code CmdImage}, {@code ImageMap} or {@code Cluster}, in any case); a
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

    /** Every object the controller holds, CmdImages first, then ImageMaps, then Clusters, each by name. */
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
