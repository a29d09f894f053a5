package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.RegistryHosting;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerClustersTest {
    private static final Path NO_HOME = Path.of("/nonexistent");

    private static DockerEngine engine(Map<String, String> env) {
        return DockerEngine.builder().environment(env).home(NO_HOME).build();
    }

    private static Cluster k8s(String product) {
        return new Cluster(ObjectMeta.named("default"), null, new Cluster.Status(RegistryHosting.of("localhost:5000"),
                "amd64", null, Map.of("connection", Map.of("kubernetes", Map.of("product", product)))));
    }

    private static Cluster dockerCluster(String host) {
        Map<String, Object> docker = host == null ? Map.of() : Map.of("host", host);
        return new Cluster(ObjectMeta.named("default"), new Cluster.Spec(null, Map.of("connection",
                Map.of("docker", docker))), null);
    }

    @Test
    void noClusterOrAPlainClusterNeedsAPush() {
        DockerEngine e = engine(Map.of());
        assertThat(DockerClusters.sharesImageStore(null, e, Map.of())).isFalse();
        assertThat(DockerClusters.sharesImageStore(Cluster.of("default", RegistryHosting.of("localhost:5000"),
                "amd64"), e, Map.of())).isFalse();
        assertThat(DockerClusters.sharesImageStore(k8s("kind"), e, Map.of())).isFalse();
    }

    @Test
    void aDockerClusterOnThisEngineSharesIt() {
        DockerEngine e = engine(Map.of("DOCKER_HOST", "unix:///run/x.sock"));
        assertThat(DockerClusters.sharesImageStore(dockerCluster(null), e, Map.of())).isTrue();
        assertThat(DockerClusters.sharesImageStore(dockerCluster("unix:///run/x.sock"), e, Map.of())).isTrue();
        assertThat(DockerClusters.sharesImageStore(dockerCluster("tcp://elsewhere:2375"), e, Map.of())).isFalse();
    }

    @Test
    void dockerDesktopSharesALocalEngineOnly() {
        assertThat(DockerClusters.sharesImageStore(k8s("docker-desktop"), engine(Map.of()), Map.of())).isTrue();
        assertThat(DockerClusters.sharesImageStore(k8s("docker-desktop"),
                engine(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2375")), Map.of())).isFalse();
    }

    @Test
    void minikubeSharesTheEngineOnlyUnderMinikubeDockerEnv() {
        Map<String, String> dockerEnv = Map.of("DOCKER_HOST", "tcp://192.168.49.2:2376",
                "MINIKUBE_ACTIVE_DOCKERD", "minikube");
        assertThat(DockerClusters.sharesImageStore(k8s("minikube"), engine(dockerEnv), dockerEnv)).isTrue();
        assertThat(DockerClusters.sharesImageStore(k8s("minikube"), engine(Map.of()), Map.of())).isFalse();
    }
}
