package dev.cmdimage.core.internal.load;

import dev.cmdimage.spi.ClusterTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tool that loads an image into a cluster of a product, and its arguments (BEHAVIOUR.md section 4 step 12):
 * <ul>
 *   <li>{@code kind}: {@code kind load docker-image <ref> --name <name>} from a Docker store,
 *       {@code kind load image-archive <archive> --name <name>} otherwise; {@code <name>} is the context without
 *       its {@code kind-} prefix, as Tilt derives it;</li>
 *   <li>{@code k3d}: {@code k3d image import -c <name> <ref or archive>}, {@code <name>} the context without
 *       {@code k3d-};</li>
 *   <li>{@code minikube}: {@code minikube image load -p <profile> <ref or archive>}, the profile being the
 *       context;</li>
 *   <li>{@code k3s}, {@code microk8s}, {@code containerd}: {@code ctr --address <socket> -n <namespace> images import
 *       [--platform linux/<arch>] <archive>}, the socket from {@code CONTAINERD_ADDRESS} or the product's default,
 *       the namespace from {@code CONTAINERD_NAMESPACE} or {@code k8s.io}.</li>
 * </ul>
 *
 * @param tool    the program ({@code kind}, {@code k3d}, {@code minikube}, {@code ctr})
 * @param argv    the whole command line, the archive's place holding {@code archive} when one is needed
 * @param archive whether the command reads an image archive (else it reads the image from the Docker engine)
 */
public record LoadCommand(String tool, List<String> argv, boolean archive) {
    /** The products a command exists for. */
    public static final Set<String> PRODUCTS = Set.of("kind", "k3d", "minikube", "k3s", "microk8s", "containerd");
    /** containerd's namespace for Kubernetes images. */
    public static final String K8S_NAMESPACE = "k8s.io";

    /** The default containerd socket of a product. */
    static String defaultSocket(String product) {
        return switch (product) {
            case "k3s" -> "/run/k3s/containerd/containerd.sock";
            case "microk8s" -> "/var/snap/microk8s/common/run/containerd.sock";
            default -> "/run/containerd/containerd.sock";
        };
    }

    /**
     * The command for {@code target}.
     *
     * @param image       the ref to load (familiar form), for tools reading from the Docker engine
     * @param archive     where the image archive is, for tools reading one
     * @param dockerStore whether the image store is a Docker engine the tool can read from
     * @param environment the tool's environment ({@code CONTAINERD_ADDRESS}, {@code CONTAINERD_NAMESPACE})
     * @throws IllegalArgumentException when no command serves the target's product
     */
    public static LoadCommand of(ClusterTarget target, String image, Path archive, boolean dockerStore,
            Map<String, String> environment) {
        String product = target.product() == null ? "" : target.product();
        String source = dockerStore ? image : archive.toString();
        switch (product) {
            case "kind":
                return dockerStore
                        ? new LoadCommand("kind", List.of("kind", "load", "docker-image", image, "--name",
                                kindName(target)), false)
                        : new LoadCommand("kind", List.of("kind", "load", "image-archive", archive.toString(),
                                "--name", kindName(target)), true);
            case "k3d":
                return new LoadCommand("k3d", List.of("k3d", "image", "import", "-c",
                        stripped(target, "k3d-", "k3s-default"), source), !dockerStore);
            case "minikube":
                return new LoadCommand("minikube", List.of("minikube", "image", "load", "-p",
                        named(target, "minikube"), source), !dockerStore);
            case "k3s":
            case "microk8s":
            case "containerd": {
                String address = nonEmpty(environment.get("CONTAINERD_ADDRESS"), defaultSocket(product));
                String namespace = nonEmpty(environment.get("CONTAINERD_NAMESPACE"), K8S_NAMESPACE);
                List<String> argv = new ArrayList<>(List.of("ctr", "--address", address, "-n", namespace, "images",
                        "import"));
                if (target.platform() != null) {
                    argv.add("--platform");
                    argv.add(target.platform());
                }
                argv.add(archive.toString());
                return new LoadCommand("ctr", List.copyOf(argv), true);
            }
            default:
                throw new IllegalArgumentException("no load command for product \"" + product + "\"");
        }
    }

    /** Tilt: the kind cluster's name is the context without its {@code kind-} prefix. */
    static String kindName(ClusterTarget target) {
        return stripped(target, "kind-", "kind");
    }

    private static String stripped(ClusterTarget target, String prefix, String fallback) {
        for (String name : new String[] {target.context(), target.clusterName()}) {
            if (name != null && name.startsWith(prefix) && name.length() > prefix.length()) {
                return name.substring(prefix.length());
            }
        }
        return named(target, fallback);
    }

    private static String named(ClusterTarget target, String fallback) {
        if (target.context() != null) {
            return target.context();
        }
        return target.clusterName() != null ? target.clusterName() : fallback;
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
