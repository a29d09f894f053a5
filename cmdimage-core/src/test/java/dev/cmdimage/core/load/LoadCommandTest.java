package dev.cmdimage.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.core.internal.load.LoadCommand;
import dev.cmdimage.spi.ClusterTarget;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tool and arguments for each product (the real-binary path the stand-in tests and the containerd IT run). */
class LoadCommandTest {
    static final Path ARCHIVE = Path.of("/tmp/cmdimage-load-1/image.tar");

    private static LoadCommand command(String product, String context, String arch, boolean docker,
            Map<String, String> env) {
        return LoadCommand.of(new ClusterTarget("default", product, context, null, arch), "app:tilt-1", ARCHIVE,
                docker, env);
    }

    @Test
    void kindTakesItsNameFromTheContextAsTiltDoes() {
        assertThat(command("kind", "kind-dev", null, true, Map.of()).argv())
                .containsExactly("kind", "load", "docker-image", "app:tilt-1", "--name", "dev");
        assertThat(command("kind", "kind-kind", null, false, Map.of()).argv())
                .containsExactly("kind", "load", "image-archive", ARCHIVE.toString(), "--name", "kind");
        assertThat(LoadCommand.of(new ClusterTarget("default", "kind", null, null, null), "app:tilt-1", ARCHIVE,
                true, Map.of()).argv()).endsWith("--name", "kind");
    }

    @Test
    void k3dAndMinikubeReadFromTheDockerEngineOrTheArchive() {
        assertThat(command("k3d", "k3d-dev", null, true, Map.of()).argv())
                .containsExactly("k3d", "image", "import", "-c", "dev", "app:tilt-1");
        assertThat(command("k3d", "k3d-dev", null, false, Map.of()).archive()).isTrue();
        assertThat(command("minikube", "minikube", null, false, Map.of()).argv())
                .containsExactly("minikube", "image", "load", "-p", "minikube", ARCHIVE.toString());
    }

    @Test
    void ctrImportsIntoK8sIoAtTheProductsDefaultSocketWithTheClustersPlatform() {
        assertThat(command("k3s", "default", "arm64", true, Map.of()).argv()).containsExactly("ctr", "--address",
                "/run/k3s/containerd/containerd.sock", "-n", "k8s.io", "images", "import", "--platform",
                "linux/arm64", ARCHIVE.toString());
        assertThat(command("microk8s", "microk8s", null, false, Map.of()).argv()).containsExactly("ctr",
                "--address", "/var/snap/microk8s/common/run/containerd.sock", "-n", "k8s.io", "images", "import",
                ARCHIVE.toString());
        assertThat(command("containerd", null, null, false, Map.of()).argv())
                .contains("/run/containerd/containerd.sock");
    }

    @Test
    void ctrTakesAddressAndNamespaceFromTheEnvironment() {
        assertThat(command("k3s", "default", null, false, Map.of("CONTAINERD_ADDRESS", "/run/other.sock",
                "CONTAINERD_NAMESPACE", "custom")).argv()).containsExactly("ctr", "--address", "/run/other.sock",
                "-n", "custom", "images", "import", ARCHIVE.toString());
    }

    @Test
    void otherProductsHaveNoCommand() {
        assertThatThrownBy(() -> command("docker-desktop", "docker-desktop", null, true, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTargetIsReadFromTiltsClusterStatus() {
        Cluster cluster = new Cluster(ObjectMeta.named("default"), Cluster.Spec.EMPTY, new Cluster.Status(null,
                "arm64", null, Map.of("connection", Map.of("kubernetes", Map.of("product", "kind", "context",
                        "kind-dev", "cluster", "kind-dev-cluster")))));

        ClusterTarget target = ClusterTarget.of(cluster);

        assertThat(target).isEqualTo(new ClusterTarget("default", "kind", "kind-dev", "kind-dev-cluster", "arm64"));
        assertThat(target.isLocal()).isTrue();
        assertThat(target.platform()).isEqualTo("linux/arm64");
        assertThat(ClusterTarget.of(Cluster.of("default", null, null)).product()).isNull();
    }
}
