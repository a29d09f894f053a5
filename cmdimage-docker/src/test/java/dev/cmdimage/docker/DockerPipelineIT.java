package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.DockerConfigCredentials;
import dev.cmdimage.core.JdkProcessRunner;
import java.net.http.HttpResponse;
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
 * Whole builds through {@link CmdImages#builder()} with the real JDK process runner, the Docker engine as image
 * store and pusher, and the registries of {@code scripts/services.sh}: a real {@code docker build} command,
 * verify, content retag, the push decision, and what the registry then serves.
 */
class DockerPipelineIT {
    /** The command: writes a FROM-scratch Dockerfile and builds $EXPECTED_REF with the docker CLI. */
    private static final String BUILD_EXPECTED = "echo \"$DOCKER_HOST\" > seen-docker-host && "
            + "printf 'FROM scratch\\nCOPY content.txt /content.txt\\n' > Dockerfile && "
            + "docker build -q -t \"$EXPECTED_REF\" .";

    @TempDir
    Path tmp;
    Path ctx;
    DockerEngine engine;
    CmdImageBuilder builder;
    final String name = "cmdimage-it/e2e-" + UUID.randomUUID().toString().substring(0, 8);
    /** The repository a registry-rewritten ref lands in: host + the name with '/' replaced by '_'. */
    final String registryRepo = name.replace('/', '_');
    final List<String> cleanup = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        TestServices.requireEngine();
        TestServices.requireRegistry(TestServices.REGISTRY);
        engine = TestServices.engine();
        DockerConfigCredentials noCredentials = DockerConfigCredentials.of(
                Map.of("DOCKER_CONFIG", tmp.resolve("no-docker-config").toString()), tmp);
        builder = CmdImages.builder()
                .processRunner(new JdkProcessRunner())
                .imageStore(new DockerImageStore(engine))
                .registryPusher(new DockerRegistryPusher(engine, noCredentials))
                .build();
        ctx = Files.createDirectories(tmp.resolve("ctx"));
        Files.writeString(ctx.resolve("content.txt"), "e2e " + UUID.randomUUID() + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (engine == null) {
            return;
        }
        TestServices.Run images = TestServices.run(Map.of("DOCKER_HOST", TestServices.DOCKER_HOST), tmp,
                "docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}");
        for (String line : images.output().split("\n")) {
            if (line.contains(registryRepo) || line.contains(name)) {
                cleanup.add(line.trim());
            }
        }
        if (!cleanup.isEmpty()) {
            TestServices.dockerRmi(cleanup.toArray(String[]::new));
        }
        engine.close();
    }

    private Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", tmp.toString());
        env.put("DOCKER_CONFIG", tmp.resolve("cli-docker-config").toString());
        env.put("DOCKER_BUILDKIT", "0");
        return env;
    }

    private CmdImageSpec.Builder spec(String script) {
        return CmdImageSpec.builder().ref(name).args("sh", "-c", script).dir(ctx.toString());
    }

    private BuildRequest.Builder request(CmdImageSpec spec, String registry) {
        Cluster cluster = registry == null ? null : Cluster.of("default", RegistryHosting.of(registry), null);
        return BuildRequest.builder(CmdImage.of(name.replace('/', '-'), spec)).cluster(cluster)
                .baseEnvironment(baseEnv()).baseDirectory(tmp);
    }

    private String localImageId(String ref) throws Exception {
        TestServices.Run r = TestServices.run(Map.of("DOCKER_HOST", TestServices.DOCKER_HOST), tmp,
                "docker", "image", "inspect", "--format", "{{.Id}}", ref);
        return r.exit() == 0 ? r.output().trim() : null;
    }

    private HttpResponse<String> manifest(String registry, String repo, String tag) throws Exception {
        return TestServices.registryGet(registry, "/v2/" + repo + "/manifests/" + tag, TestServices.MANIFEST_TYPES,
                false);
    }

    private int tagsStatus(String registry, String repo) throws Exception {
        return TestServices.registryGet(registry, "/v2/" + repo + "/tags/list", null, false).statusCode();
    }

    @Test
    void aDockerBuildIsVerifiedRetaggedToItsContentAndPushed() throws Exception {
        BuildResult result = builder.build(request(spec(BUILD_EXPECTED).build(), TestServices.REGISTRY).build());

        assertThat(Files.readString(ctx.resolve("seen-docker-host")).trim()).isEqualTo(TestServices.DOCKER_HOST);
        String id = result.imageId();
        assertThat(id).matches("sha256:[0-9a-f]{64}");
        String contentRef = TestServices.REGISTRY + "/" + registryRepo + ":tilt-" + id.substring(7, 23);
        assertThat(result.localRef()).isEqualTo(contentRef);
        assertThat(result.status().isSucceeded()).isTrue();
        assertThat(result.status().ref()).isEqualTo(contentRef);
        assertThat(result.imageMapStatus().imageFromLocal()).isEqualTo(contentRef);
        assertThat(localImageId(contentRef)).isEqualTo(id);

        HttpResponse<String> m = manifest(TestServices.REGISTRY, registryRepo, "tilt-" + id.substring(7, 23));
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.headers().firstValue("Docker-Content-Digest")).contains(result.pushedDigest());
        // only the content tag was pushed, not the tilt-build-<seconds> tag the command built
        assertThat(TestServices.registryGet(TestServices.REGISTRY, "/v2/" + registryRepo + "/tags/list", null, false)
                .body()).contains("\"tilt-" + id.substring(7, 23) + "\"").doesNotContain("tilt-build-");
    }

    @Test
    void theSameContentGivesTheSameRef() throws Exception {
        BuildResult first = builder.build(request(spec(BUILD_EXPECTED).build(), TestServices.REGISTRY).build());
        BuildResult second = builder.build(request(spec(BUILD_EXPECTED).build(), TestServices.REGISTRY).build());

        assertThat(second.localRef()).isEqualTo(first.localRef());
        assertThat(second.imageId()).isEqualTo(first.imageId());
        assertThat(second.pushedDigest()).isEqualTo(first.pushedDigest());

        Files.writeString(ctx.resolve("content.txt"), "other content " + UUID.randomUUID() + "\n");
        BuildResult third = builder.build(request(spec(BUILD_EXPECTED).build(), TestServices.REGISTRY).build());
        assertThat(third.localRef()).isNotEqualTo(first.localRef());
    }

    @Test
    void anImageMissingAfterTheCommandFailsTheBuildNamingTheRef() {
        CmdImageSpec s = spec("echo built nothing").outputTag("never-built").build();

        assertThatThrownBy(() -> builder.build(request(s, TestServices.REGISTRY).build()))
                .isInstanceOf(CmdImageException.class)
                .hasMessageStartingWith("Could not find image in Docker.")
                .hasMessageContaining("$EXPECTED_REF")
                .hasMessageContaining(name + ":never-built")
                .hasMessageContaining("Docker engine at " + TestServices.DOCKER_HOST)
                .satisfies(e -> {
                    CmdImageStatus st = ((CmdImageException) e).status().orElseThrow();
                    assertThat(st.isFailed()).isTrue();
                    assertThat(st.ref()).isNull();
                });
    }

    @Test
    void refFileModeUsesTheWrittenRefWithoutRetagOrPush() throws Exception {
        String written = TestServices.REGISTRY + "/" + registryRepo + ":from-file";
        String script = "printf 'FROM scratch\\nCOPY content.txt /content.txt\\n' > Dockerfile && "
                + "docker build -q -t " + written + " . && echo " + written + " > \"" + tmp.resolve("ref.txt") + "\"";
        CmdImageSpec s = spec(script).outputsImageRefTo(tmp.resolve("ref.txt").toString()).build();

        BuildResult result = builder.build(request(s, TestServices.REGISTRY).build());

        assertThat(result.localRef()).isEqualTo(written);
        assertThat(result.status().ref()).isEqualTo(written);
        assertThat(result.imageId()).isEqualTo(localImageId(written));
        assertThat(localImageId(TestServices.REGISTRY + "/" + registryRepo + ":tilt-" + result.imageId()
                .substring(7, 23))).isNull();
        assertThat(result.pushedDigest()).isNull();
        assertThat(tagsStatus(TestServices.REGISTRY, registryRepo)).isEqualTo(404);
    }

    @Test
    void pushRule1TheCommandPushesItselfInLocalDockerAndRemoteMode() throws Exception {
        CmdImageSpec s = spec(BUILD_EXPECTED).outputMode(CmdImageSpec.OUTPUT_MODE_LOCAL_DOCKER_AND_REMOTE).build();

        BuildResult result = builder.build(request(s, TestServices.REGISTRY).build());

        assertThat(result.localRef()).endsWith(":tilt-" + result.imageId().substring(7, 23));
        assertThat(localImageId(result.localRef())).isEqualTo(result.imageId());
        assertThat(result.pushedDigest()).isNull();
        assertThat(tagsStatus(TestServices.REGISTRY, registryRepo)).isEqualTo(404);
    }

    @Test
    void pushRule1RemoteModeTouchesNeitherEngineNorRegistry() throws Exception {
        CmdImageSpec s = spec("echo \"$EXPECTED_REF\" > expected.txt")
                .outputMode(CmdImageSpec.OUTPUT_MODE_REMOTE).build();

        BuildResult result = builder.build(request(s, TestServices.REGISTRY).build());

        String expected = Files.readString(ctx.resolve("expected.txt")).trim();
        assertThat(result.localRef()).isEqualTo(expected).startsWith(TestServices.REGISTRY + "/" + registryRepo
                + ":tilt-build-");
        assertThat(result.imageId()).isNull();
        assertThat(result.pushedDigest()).isNull();
        assertThat(tagsStatus(TestServices.REGISTRY, registryRepo)).isEqualTo(404);
    }

    @Test
    void pushRule2ABaseImageIsNotPushed() throws Exception {
        CmdImageSpec s = spec(BUILD_EXPECTED).clusterNeeds(CmdImageSpec.CLUSTER_NEEDS_BASE_IMAGE).build();

        BuildResult result = builder.build(request(s, TestServices.REGISTRY).build());

        assertThat(localImageId(result.localRef())).isEqualTo(result.imageId());
        assertThat(result.pushedDigest()).isNull();
        assertThat(tagsStatus(TestServices.REGISTRY, registryRepo)).isEqualTo(404);
    }

    @Test
    void pushRule3AClusterOnTheSameEngineIsNotPushedTo() throws Exception {
        Cluster dockerCluster = new Cluster(ObjectMeta.named("default"),
                new Cluster.Spec(RegistryHosting.of(TestServices.REGISTRY),
                        Map.of("connection", Map.of("docker", Map.of("host", TestServices.DOCKER_HOST)))), null);
        boolean shares = DockerClusters.sharesImageStore(dockerCluster, engine, Map.of());
        assertThat(shares).isTrue();

        BuildResult result = builder.build(request(spec(BUILD_EXPECTED).build(), null)
                .cluster(dockerCluster).clusterSharesImageStore(shares).build());

        assertThat(result.localRef()).startsWith(TestServices.REGISTRY + "/" + registryRepo + ":tilt-");
        assertThat(localImageId(result.localRef())).isEqualTo(result.imageId());
        assertThat(result.pushedDigest()).isNull();
        assertThat(tagsStatus(TestServices.REGISTRY, registryRepo)).isEqualTo(404);
    }

    @Test
    void aPushRefusedByTheRegistryFailsTheBuildWithItsWords() {
        TestServices.requireRegistry(TestServices.AUTH_REGISTRY);

        assertThatThrownBy(() -> builder.build(request(spec(BUILD_EXPECTED).build(), TestServices.AUTH_REGISTRY)
                .build()))
                .isInstanceOf(CmdImageException.class)
                .hasMessageStartingWith("docker push: ")
                .hasMessageContaining("no basic auth credentials")
                .satisfies(e -> assertThat(((CmdImageException) e).status().orElseThrow().isFailed()).isTrue());
    }

    @Test
    void anUnreachableEngineFailsTheBuildWithASentenceNamingTheAddress() throws Exception {
        String host = "unix://" + tmp.resolve("no-engine.sock");
        try (DockerEngine down = DockerEngine.builder().host(host).environment(Map.of()).home(tmp).build()) {
            CmdImageBuilder b = CmdImages.builder().processRunner(new JdkProcessRunner())
                    .imageStore(new DockerImageStore(down))
                    .registryPusher(new DockerRegistryPusher(down, DockerConfigCredentials.of(Map.of(), tmp)))
                    .build();
            assertThatThrownBy(() -> b.build(request(spec("true").build(), TestServices.REGISTRY).build()))
                    .isInstanceOf(CmdImageException.class)
                    .hasMessageContaining("Cannot reach the Docker engine at " + host + " (from explicit settings)");
        }
    }

    @Test
    void refFileModeAcceptsADigestRefTheCommandPushedItself() throws Exception {
        String repo = TestServices.REGISTRY + "/" + registryRepo;
        // the command builds, pushes with the docker CLI, and writes repo@<manifest digest> to the ref file
        String script = "printf 'FROM scratch\\nCOPY content.txt /content.txt\\n' > Dockerfile && "
                + "docker build -q -t " + repo + ":pushed-by-command . >/dev/null && "
                + "docker push " + repo + ":pushed-by-command | sed -n 's/.*digest: \\(sha256:[0-9a-f]*\\).*/\\1/p'"
                + " > digest.txt && echo " + repo + "@$(cat digest.txt) > \"" + tmp.resolve("ref.txt") + "\"";
        CmdImageSpec s = spec(script).outputsImageRefTo(tmp.resolve("ref.txt").toString())
                .outputMode(CmdImageSpec.OUTPUT_MODE_LOCAL_DOCKER_AND_REMOTE).build();

        BuildResult result = builder.build(request(s, TestServices.REGISTRY).build());

        String digest = Files.readString(ctx.resolve("digest.txt")).trim();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(result.localRef()).isEqualTo(repo + "@" + digest);
        assertThat(result.imageId()).isEqualTo(localImageId(repo + ":pushed-by-command"));
        assertThat(result.pushedDigest()).isNull();
    }
}
