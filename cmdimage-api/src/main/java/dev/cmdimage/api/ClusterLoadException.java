package dev.cmdimage.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Loading the image into a cluster's own image store failed (a cluster without a registry: kind, k3d, minikube,
 * k3s, containerd). The message names the cluster and the tool's own words; the fields carry them apart.
 */
public class ClusterLoadException extends CmdImageException {
    private final String cluster;
    private final @Nullable String product;
    private final String ref;
    private final List<String> toolOutput;

    /**
     * @param message    the sentence for a person, naming the cluster and the tool's own words
     * @param cluster    the cluster's name (its context, or the Cluster object's name)
     * @param product    the cluster's product ({@code kind}, {@code k3s}, ...), or {@code null} when unknown
     * @param ref        the ref being loaded (familiar form)
     * @param toolOutput the last lines the tool printed (bounded), or empty
     * @param cause      the underlying failure, or {@code null}
     */
    public ClusterLoadException(String message, String cluster, @Nullable String product, String ref,
            List<String> toolOutput, @Nullable Throwable cause) {
        super(message, cause);
        this.cluster = cluster;
        this.product = product;
        this.ref = ref;
        this.toolOutput = List.copyOf(toolOutput);
    }

    /** The cluster the image was to be loaded into. */
    public String cluster() {
        return cluster;
    }

    /** The cluster's product, or {@code null} when unknown. */
    public @Nullable String product() {
        return product;
    }

    /** The ref being loaded. */
    public String ref() {
        return ref;
    }

    /** The last lines the tool printed (bounded), or empty. */
    public List<String> toolOutput() {
        return toolOutput;
    }
}
