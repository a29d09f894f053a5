package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.DockerConfigCredentials;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.testing.RequiresDocker;
import dev.cmdimage.testing.RequiresRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java example of {@code cmdimage-docker/README.md}, run for real ({@link ReadmeSnippetTest} checks that the
 * README shows exactly the lines between the markers).
 */
class ReadmeExampleIT {
    @TempDir
    Path tmp;

    @Test
    @RequiresDocker
    @RequiresRegistry
    void theReadmeExampleBuildsAndPushes() throws Exception {
        Path projectDir = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(projectDir.resolve("Dockerfile"), "FROM scratch\nCOPY Dockerfile /\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DOCKER_HOST", TestServices.DOCKER_HOST);
        env.put("DOCKER_CONFIG", tmp.resolve("docker-config").toString());
        env.put("DOCKER_BUILDKIT", "0");
        String registry = TestServices.REGISTRY;

        BuildResult result = readme(projectDir, env, registry);

        assertThat(result.localRef()).startsWith(registry + "/my-app:tilt-");
        assertThat(result.pushedDigest()).startsWith("sha256:");
        TestServices.dockerRmi(result.localRef());
    }

    private static BuildResult readme(Path projectDir, Map<String, String> env, String registry) throws Exception {
        // README-BEGIN
        try (DockerEngine engine = DockerEngine.builder().environment(env).build()) {
            CmdImageBuilder builder = CmdImages.builder()
                    .processRunner(new JdkProcessRunner())
                    .imageStore(new DockerImageStore(engine))
                    .registryPusher(new DockerRegistryPusher(engine,
                            DockerConfigCredentials.of(env, Path.of(System.getProperty("user.home")))))
                    .build();
            CmdImageSpec spec = CmdImageSpec.builder()
                    .ref("my-app")
                    .args("sh", "-c", "docker build -t \"$EXPECTED_REF\" .")
                    .dir(projectDir.toString())
                    .build();
            Cluster cluster = Cluster.of("default", RegistryHosting.of(registry), null);
            BuildResult result = builder.build(BuildRequest.builder(CmdImage.of("my-app", spec))
                    .cluster(cluster)
                    .baseEnvironment(env)
                    .clusterSharesImageStore(DockerClusters.sharesImageStore(cluster, engine, env))
                    .build());
            System.out.println(result.localRef() + " pushed as " + result.pushedDigest());
            return result;
        }
        // README-END
    }
}
