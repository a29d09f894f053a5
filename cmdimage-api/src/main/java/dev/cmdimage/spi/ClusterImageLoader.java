package dev.cmdimage.spi;

import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.ImageRef;
import java.util.function.Consumer;

/**
 * Puts an image from the image store into a cluster's own image store, for clusters without a registry (kind,
 * k3d, minikube, k3s, microk8s, a containerd): Tilt's "kind load" step, for more products. The build loads
 * instead of pushing when the cluster has no registry and {@link #serves} it.
 *
 * <p>Threads: one loader serves every build of a builder, so {@link #load} is called concurrently, each call on
 * that build's thread; an implementation must be thread-safe. The {@link Cancellation} is cancelled from another
 * thread (the caller's {@code cancel()}, a timeout, {@code close()}); a load must then stop and leave no process
 * behind.
 */
public interface ClusterImageLoader {
    /** Whether this loader can put images into {@code target} (typically: it knows its product). */
    boolean serves(ClusterTarget target);

    /**
     * Names a load into {@code target} for the log and the first words of its error, e.g.
     * {@code kind load into kind-dev}. The default is {@code load into <cluster>}.
     */
    default String describeLoad(ClusterTarget target) {
        return "load into " + target.displayName();
    }

    /**
     * Loads {@code ref}, which the image store holds, into {@code target}'s image store, under the name the
     * cluster's runtime looks up ({@code docker.io/library/app:tag} for {@code app:tag}); for a multi-platform
     * image, the platform of the target's architecture. Loading an image the cluster already holds changes nothing.
     *
     * @param progress     receives lines for people (the tool's output); call it from any thread, but not after
     *                     {@code load} returned
     * @param cancellation cancels the load
     * @return the name the image landed under, as the cluster's runtime stores it
     * @throws ClusterLoadException naming the cluster and the tool's own words, for every error
     */
    String load(ImageRef ref, ClusterTarget target, Consumer<String> progress, Cancellation cancellation)
            throws ClusterLoadException;
}
