package dev.cmdimage.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.internal.registry.RegistryResolver;
import org.junit.jupiter.api.Test;

class RegistryResolverTest {
    private static final RegistryHosting LOCAL = new RegistryHosting("localhost:12345", null, "registry:12345", null, null);
    private static final RegistryHosting DEFAULT = new RegistryHosting("registry.example.com", null, null, null, "fake-repo");

    private static Cluster cluster(RegistryHosting status, RegistryHosting defaultRegistry, String error) {
        return new Cluster(ObjectMeta.named("default"), new Cluster.Spec(defaultRegistry, null),
                new Cluster.Status(status, "amd64", error, null));
    }

    @Test
    void noClusterMeansNoRegistry() throws Exception {
        assertThat(RegistryResolver.registryFor(null)).isNull();
        assertThat(RegistryResolver.registryFor(cluster(null, null, null))).isNull();
    }

    @Test
    void theClustersRegistryWinsOverTheDefault() throws Exception {
        assertThat(RegistryResolver.registryFor(cluster(LOCAL, DEFAULT, null))).isEqualTo(LOCAL);
    }

    @Test
    void theDefaultRegistryAppliesWhenTheClusterReportsNone() throws Exception {
        assertThat(RegistryResolver.registryFor(cluster(null, DEFAULT, null))).isEqualTo(DEFAULT);
    }

    @Test
    void aClusterErrorFailsWithClusterNotReady() {
        assertThatThrownBy(() -> RegistryResolver.registryFor(cluster(LOCAL, DEFAULT, "connection refused")))
                .isInstanceOf(DependencyNotReadyException.class)
                .hasMessage("cluster not ready: connection refused")
                .extracting(e -> ((DependencyNotReadyException) e).dependency())
                .isEqualTo("Cluster/default");
    }
}
