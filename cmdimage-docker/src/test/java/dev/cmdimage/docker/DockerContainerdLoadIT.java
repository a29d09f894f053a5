package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.core.ClusterToolLoader;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.testing.TestContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds with the Docker engine as image store for a k3s cluster without a registry, against the REAL engine and the
 * REAL containerd of the test services: the image comes out of {@code docker save} (docker-java's saveImageCmd), is
 * imported with the real {@code ctr}, and is checked with {@code ctr images ls} / {@code ctr images check}.
 */
class DockerContainerdLoadIT {
    @TempDir
    Path tmp;
    DockerEngine engine;
    final JdkProcessRunner runner = new JdkProcessRunner();
    final String name = "load-it-" + UUID.randomUUID().toString().substring(0, 8);
    final List<String> logs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        TestServices.requireEngine();
        TestContainerd.require();
        engine = TestServices.engine();
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.close();
        TestContainerd.imageNames().stream().filter(n -> n.contains(name)).forEach(TestContainerd::remove);
        if (engine != null) {
            TestServices.Run images = TestServices.run(Map.of("DOCKER_HOST", TestServices.DOCKER_HOST), tmp,
                    "docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}");
            String[] ours = images.output().lines().map(String::trim).filter(l -> l.contains(name))
                    .toArray(String[]::new);
            if (ours.length > 0) {
                TestServices.dockerRmi(ours);
            }
            engine.close();
        }
    }

    @Test
    void aDockerBuiltImageIsImportedIntoContainerdUnderItsNormalizedName() throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve("ctx"));
        Files.writeString(ctx.resolve("content.txt"), "load " + name + "\n");
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", tmp.toString());
        env.put("DOCKER_CONFIG", tmp.resolve("cli-docker-config").toString());
        env.put("DOCKER_BUILDKIT", "0");
        Map<String, String> toolEnv = new HashMap<>(env);
        toolEnv.put("CONTAINERD_ADDRESS", TestContainerd.ADDRESS);
        DockerImageStore store = new DockerImageStore(engine);
        ClusterToolLoader loader = ClusterToolLoader.builder(store, runner).environment(toolEnv).build();
        Cluster k3s = new Cluster(ObjectMeta.named("default"), Cluster.Spec.EMPTY, new Cluster.Status(null, "amd64",
                null, Map.of("connection", Map.of("kubernetes", Map.of("product", "k3s", "context", "default")))));
        CmdImageSpec spec = CmdImageSpec.builder().ref(name).dir(ctx.toString()).args("sh", "-c",
                "printf 'FROM scratch\\nCOPY content.txt /content.txt\\n' > Dockerfile && docker build -q -t"
                        + " \"$EXPECTED_REF\" .").build();

        BuildResult result;
        try (CmdImageBuilder builder = CmdImages.builder().processRunner(runner).imageStore(store)
                .clusterImageLoader(loader).build()) {
            result = builder.build(BuildRequest.builder(CmdImage.of("app", spec)).cluster(k3s).baseEnvironment(env)
                    .baseDirectory(tmp).listener(new BuildListener() {
                        @Override
                        public void log(String n, String message) {
                            logs.add(message);
                        }
                    }).build());
        }

        String familiar = result.localRef();
        String full = "docker.io/library/" + familiar;
        assertThat(familiar).startsWith(name + ":tilt-");
        assertThat(result.clusterRef()).isEqualTo(familiar);
        assertThat(result.pushedDigest()).isNull();
        assertThat(TestContainerd.imageNames()).contains(full).doesNotContain(familiar);
        assertThat(TestContainerd.ctr("images", "ls", "name==" + full)).contains("linux/amd64");
        assertThat(TestContainerd.ctr("images", "check", "name==" + full)).contains("complete");
        assertThat(logs).contains("loaded into default (k3s) as " + full);
        assertThat(logs).anyMatch(l -> l.startsWith("wrote " + familiar + " (linux/amd64) as an image archive of "));
    }
}
