package dev.cmdimage.spi;

import dev.cmdimage.api.Cluster;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The cluster an image is loaded into, as Tilt's Cluster objects describe it
 * ({@code status.connection.kubernetes.product}, {@code .context} and {@code .cluster}).
 *
 * @param name        the Cluster object's name
 * @param product     the product ({@code kind}, {@code k3d}, {@code minikube}, {@code k3s}, {@code microk8s},
 *                    {@code docker-desktop}, ...), or {@code null} when the Cluster does not say
 * @param context     the kubeconfig context ({@code kind-dev}), or {@code null}
 * @param clusterName the kubeconfig cluster name, or {@code null}
 * @param arch        the cluster's CPU architecture ({@code amd64}, ...), or {@code null} when unknown
 */
public record ClusterTarget(String name, @Nullable String product, @Nullable String context,
        @Nullable String clusterName, @Nullable String arch) {
    /**
     * The products of clusters that run on the developer's machine. One of these without a registry is never
     * pushed to its image's own registry: the image is loaded into it, or the build fails.
     */
    public static final Set<String> LOCAL_PRODUCTS = Set.of("kind", "k3d", "minikube", "k3s", "microk8s",
            "docker-desktop", "rancher-desktop", "colima", "orbstack");

    /** {@code name} is required; empty strings become {@code null}. */
    public ClusterTarget {
        Objects.requireNonNull(name, "name");
        product = emptyToNull(product);
        context = emptyToNull(context);
        clusterName = emptyToNull(clusterName);
        arch = emptyToNull(arch);
    }

    /** Reads the target from a Cluster object's status. */
    public static ClusterTarget of(Cluster cluster) {
        Map<String, Object> status = cluster.status().extra();
        String name = cluster.name() == null ? "" : cluster.name();
        return new ClusterTarget(name, text(status, "product"), text(status, "context"), text(status, "cluster"),
                cluster.status().arch());
    }

    /** Whether the product is one of the {@link #LOCAL_PRODUCTS}. */
    public boolean isLocal() {
        return product != null && LOCAL_PRODUCTS.contains(product);
    }

    /** The name people know the cluster by: the context, else the kubeconfig cluster name, else the object's. */
    public String displayName() {
        if (context != null) {
            return context;
        }
        return clusterName != null ? clusterName : name;
    }

    /** {@code linux/<arch>}, or {@code null} when the architecture is unknown. */
    public @Nullable String platform() {
        return arch == null ? null : "linux/" + arch;
    }

    private static @Nullable String text(Map<String, Object> status, String key) {
        Object connection = status.get("connection");
        Object kubernetes = connection instanceof Map<?, ?> c ? c.get("kubernetes") : null;
        Object value = kubernetes instanceof Map<?, ?> k ? k.get(key) : null;
        return value instanceof String s ? s : null;
    }

    private static @Nullable String emptyToNull(@Nullable String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
