package dev.cmdimage.docker;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.Cluster;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decides push-decision rule 3 ("the cluster builds in the same container runtime as the image store") for a
 * Docker engine, to pass as {@link BuildRequest.Builder#clusterSharesImageStore(boolean)}.
 *
 * <p>A cluster shares the engine's images when:
 * <ul>
 *   <li>it is a Docker cluster ({@code spec.connection.docker}, e.g. Docker Compose) whose {@code host} is empty
 *       or the engine's own address: its containers run on this engine;</li>
 *   <li>it is Docker Desktop's Kubernetes ({@code status.connection.kubernetes.product: docker-desktop}) and the
 *       engine is local (a {@code unix://} or {@code npipe://} socket);</li>
 *   <li>it is minikube ({@code product: minikube}) and the engine was chosen by {@code minikube docker-env}
 *       ({@code DOCKER_HOST} set together with {@code MINIKUBE_ACTIVE_DOCKERD}).</li>
 * </ul>
 * Anything else (kind, k3d, remote clusters, no cluster) needs the image pushed to its registry, or, for a cluster
 * without one, loaded into it ({@code dev.cmdimage.core.ClusterToolLoader}).
 */
public final class DockerClusters {
    private DockerClusters() {}

    /**
     * Whether {@code cluster} runs images straight from {@code engine}.
     *
     * @param cluster     the build's cluster, or {@code null} for none (then it does not)
     * @param environment the environment the engine was chosen from (for {@code MINIKUBE_ACTIVE_DOCKERD})
     */
    public static boolean sharesImageStore(@Nullable Cluster cluster, DockerEngine engine,
            Map<String, String> environment) {
        Objects.requireNonNull(engine, "engine");
        if (cluster == null) {
            return false;
        }
        Object docker = path(cluster.spec().extra(), "connection", "docker");
        if (docker != null) {
            Object host = docker instanceof Map<?, ?> m ? m.get("host") : null;
            return host == null || host.toString().isBlank() || host.toString().equals(engine.host());
        }
        Object product = path(cluster.status().extra(), "connection", "kubernetes", "product");
        if ("docker-desktop".equals(product)) {
            return engine.host().startsWith("unix://") || engine.host().startsWith("npipe://");
        }
        if ("minikube".equals(product)) {
            Map<String, String> env = environment == null ? Map.of() : environment;
            return "DOCKER_HOST".equals(engine.hostSource()) && env.containsKey("MINIKUBE_ACTIVE_DOCKERD");
        }
        return false;
    }

    private static Object path(Map<String, Object> root, String... keys) {
        Object cur = root;
        for (String k : keys) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(k);
        }
        return cur;
    }
}
