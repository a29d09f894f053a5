package dev.cmdimage.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.core.ClusterToolLoader;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.testing.TestContainerd;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ClusterTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds with the OCI image layout store for a k3s cluster without a registry, against the REAL containerd of the
 * test services (scripts/services.d/containerd.sh): the image is imported with the real {@code ctr} and checked with
 * {@code ctr images ls} / {@code ctr images check}.
 */
class ContainerdLoadIT {
    static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/hello-oci");

    @TempDir
    Path dir;
    final JdkProcessRunner runner = new JdkProcessRunner();
    final String repo = "cmdimage-load-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    final List<String> logs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        TestContainerd.require();
    }

    @AfterEach
    void tearDown() {
        runner.close();
        TestContainerd.imageNames().stream().filter(n -> n.contains(repo))
                .forEach(TestContainerd::remove);
    }

    private Map<String, String> env(String address) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("CONTAINERD_ADDRESS", address);
        env.remove("CONTAINERD_NAMESPACE");
        return env;
    }

    private static Cluster k3s(String arch) {
        return new Cluster(ObjectMeta.named("default"), Cluster.Spec.EMPTY, new Cluster.Status(null, arch, null,
                Map.of("connection", Map.of("kubernetes", Map.of("product", "k3s", "context", "default")))));
    }

    private BuildResult build(String address) throws Exception {
        OciLayoutStore store = new OciLayoutStore(dir.resolve("layout"));
        ClusterToolLoader loader = ClusterToolLoader.builder(store, runner).environment(env(address)).build();
        CmdImageSpec spec = CmdImageSpec.builder().ref(repo).args("sh", EXAMPLE.resolve("build.sh").toString())
                .build();
        try (CmdImageBuilder builder = CmdImages.builder().processRunner(runner).imageStore(store)
                .clusterImageLoader(loader).build()) {
            return builder.build(BuildRequest.builder(CmdImage.of("app", spec)).cluster(k3s("amd64"))
                    .baseDirectory(dir).listener(new dev.cmdimage.api.BuildListener() {
                        @Override
                        public void log(String name, String message) {
                            logs.add(message);
                        }
                    }).build());
        }
    }

    @Test
    void anOciImageIsImportedIntoContainerdUnderItsNormalizedNameWithItsPlatform() throws Exception {
        BuildResult result = build(TestContainerd.ADDRESS);

        String familiar = result.localRef();
        assertThat(familiar).startsWith(repo + ":tilt-");
        String full = "docker.io/library/" + familiar;
        assertThat(result.clusterRef()).isEqualTo(familiar);
        assertThat(result.pushedDigest()).isNull();
        assertThat(TestContainerd.imageNames()).contains(full).doesNotContain(familiar);
        String ls = TestContainerd.ctr("images", "ls", "name==" + full);
        assertThat(ls).contains(full).contains("linux/amd64");
        assertThat(TestContainerd.ctr("images", "check", "name==" + full)).contains("complete");
        assertThat(logs).contains("loaded into default (k3s) as " + full);
    }

    @Test
    void loadingTheSameImageTwiceChangesNothing() throws Exception {
        OciLayoutStore store = new OciLayoutStore(dir.resolve("layout"));
        ProcessBuilder pb = new ProcessBuilder("sh", "build.sh").directory(EXAMPLE.toFile()).redirectErrorStream(true);
        pb.environment().put("EXPECTED_OCI_LAYOUT", store.directory().toString());
        pb.environment().put("EXPECTED_REF", repo + ":once");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        ClusterToolLoader loader = ClusterToolLoader.builder(store, runner).environment(env(TestContainerd.ADDRESS))
                .build();
        ClusterTarget target = ClusterTarget.of(k3s("amd64"));
        String full = "docker.io/library/" + repo + ":once";

        loader.load(ImageRef.parse(repo + ":once"), target, l -> {}, new Cancellation());
        String first = TestContainerd.ctr("images", "ls", "name==" + full);
        loader.load(ImageRef.parse(repo + ":once"), target, l -> {}, new Cancellation());
        String second = TestContainerd.ctr("images", "ls", "name==" + full);

        assertThat(second).isEqualTo(first).contains(full);
        assertThat(TestContainerd.imageNames().stream().filter(n -> n.contains(repo))).containsExactly(full);
    }

    @Test
    void fromAMultiPlatformImageTheClustersPlatformIsImported() throws Exception {
        OciLayoutStore store = new OciLayoutStore(dir.resolve("layout"));
        Path layout = store.directory();
        for (String arch : new String[] {"amd64", "arm64"}) {
            ProcessBuilder pb = new ProcessBuilder("sh", "build.sh").directory(EXAMPLE.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("EXPECTED_OCI_LAYOUT", layout.toString());
            pb.environment().put("EXPECTED_REF", repo + ":" + arch);
            pb.environment().put("EXPECTED_ARCH", arch);
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
        }
        // an image index over both platforms' manifests, named <repo>:multi
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode index = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(layout.resolve("index.json").toFile());
        com.fasterxml.jackson.databind.node.ObjectNode multi = json.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.index.v1+json");
        for (com.fasterxml.jackson.databind.JsonNode e : index.get("manifests")) {
            com.fasterxml.jackson.databind.node.ObjectNode child = e.deepCopy();
            child.remove("annotations");
            multi.withArray("manifests").add(child);
        }
        byte[] bytes = json.writeValueAsBytes(multi);
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(bytes));
        Files.write(layout.resolve("blobs/sha256/" + hex), bytes);
        index.withArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.index.v1+json")
                .put("digest", "sha256:" + hex).put("size", bytes.length).putObject("annotations")
                .put("org.opencontainers.image.ref.name", repo + ":multi");
        Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
        ClusterToolLoader loader = ClusterToolLoader.builder(store, runner).environment(env(TestContainerd.ADDRESS))
                .build();
        String full = "docker.io/library/" + repo + ":multi";

        loader.load(ImageRef.parse(repo + ":multi"), ClusterTarget.of(k3s("arm64")), l -> {}, new Cancellation());

        String ls = TestContainerd.ctr("images", "ls", "name==" + full);
        assertThat(ls).contains(full).contains("linux/arm64").doesNotContain("linux/amd64");
        assertThat(TestContainerd.ctr("images", "check", "name==" + full)).contains("complete");
    }

    @Test
    void aContainerdThatIsDownIsAClearError() throws Exception {
        Path nowhere = dir.resolve("no-containerd.sock");
        Files.deleteIfExists(nowhere);

        assertThatThrownBy(() -> build(nowhere.toString()))
                .isInstanceOfSatisfying(ClusterLoadException.class, e -> {
                    assertThat(e.cluster()).isEqualTo("default");
                    assertThat(e.product()).isEqualTo("k3s");
                    assertThat(e.toolOutput()).anyMatch(l -> l.contains(nowhere.toString()));
                })
                .hasMessageStartingWith("ctr images import into default: cannot load " + repo + ":tilt-")
                .hasMessageContaining(" into default (k3s): containerd does not answer at " + nowhere
                        + " (the address comes from CONTAINERD_ADDRESS, else the k3s default): ctr: failed to dial");
    }
}
