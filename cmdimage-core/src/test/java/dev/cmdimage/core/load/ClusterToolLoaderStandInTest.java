package dev.cmdimage.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.core.ClusterToolLoader;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.testing.FakeImageStore;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ClusterTarget;
import dev.cmdimage.spi.ImageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClusterToolLoader} for kind, k3d and minikube, whose binaries cannot be installed here: STAND-IN
 * executables on the PATH record the arguments and check the archive they are given. The loader runs them exactly
 * as it runs the real tools (through the real {@link JdkProcessRunner}, looked up on the PATH).
 */
class ClusterToolLoaderStandInTest {
    static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/hello-oci");
    static final ImageRef REF = ImageRef.parse("hello:tilt-0123456789abcdef");

    @TempDir
    Path dir;
    Path bin;
    Path record;
    Path temp;
    final JdkProcessRunner runner = new JdkProcessRunner();
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        bin = Files.createDirectories(dir.resolve("bin"));
        record = Files.createDirectories(dir.resolve("record"));
        temp = Files.createDirectories(dir.resolve("tmp"));
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    private OciLayoutStore ociStoreWithImage() throws Exception {
        Path layout = dir.resolve("layout");
        ProcessBuilder pb = new ProcessBuilder("sh", "build.sh").directory(EXAMPLE.toFile()).redirectErrorStream(true);
        pb.environment().put("EXPECTED_OCI_LAYOUT", layout.toString());
        pb.environment().put("EXPECTED_REF", REF.familiarString());
        pb.environment().put("EXPECTED_ARCH", "amd64");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new OciLayoutStore(layout);
    }

    private ClusterToolLoader loader(ImageStore store) {
        return ClusterToolLoader.builder(store, runner)
                .environment(Map.of("PATH", bin + ":/usr/bin:/bin"))
                .tempDirectory(temp)
                .build();
    }

    private static ClusterTarget target(String product, String context) {
        return new ClusterTarget("default", product, context, null, "amd64");
    }

    private String load(ImageStore store, ClusterTarget target) throws Exception {
        return loader(store).load(REF, target, progress::add, new Cancellation());
    }

    @Test
    void standInKindGetsTheOciArchiveWithTheNameFromTheContext() throws Exception {
        StandInTools.install(bin, record, "kind", 0, "Image: \"\" with ID \"sha256:e8d9\" not yet present on node");

        String landed = load(ociStoreWithImage(), target("kind", "kind-dev"));

        List<String> args = StandInTools.args(record, "kind");
        assertThat(args).hasSize(5);
        assertThat(args.subList(0, 2)).containsExactly("load", "image-archive");
        assertThat(args.get(2)).startsWith(temp.toString()).endsWith("/image.tar");
        assertThat(args.subList(3, 5)).containsExactly("--name", "dev");
        assertThat(Files.readAllLines(record.resolve("kind.archive")))
                .contains("oci-layout", "index.json").anyMatch(l -> l.startsWith("blobs/sha256/"));
        assertThat(Files.readString(record.resolve("kind.index")))
                .contains("\"io.containerd.image.name\":\"docker.io/library/hello:tilt-0123456789abcdef\"")
                .contains("\"org.opencontainers.image.ref.name\":\"tilt-0123456789abcdef\"")
                .contains("\"architecture\":\"amd64\"");
        assertThat(landed).isEqualTo("docker.io/library/hello:tilt-0123456789abcdef");
        assertThat(progress).contains("Image: \"\" with ID \"sha256:e8d9\" not yet present on node");
        assertThat(temp).isEmptyDirectory(); // the archive and its directory are gone
    }

    @Test
    void standInKindLoadsFromTheDockerStoreByNameWithItsDockerHost() throws Exception {
        StandInTools.install(bin, record, "kind", 0);
        FakeImageStore docker = new FakeImageStore().commandEnvironment(Map.of("DOCKER_HOST",
                "unix:///run/test/docker.sock"));

        load(docker, target("kind", "kind-dev"));

        assertThat(StandInTools.args(record, "kind"))
                .containsExactly("load", "docker-image", "hello:tilt-0123456789abcdef", "--name", "dev");
        assertThat(Files.readString(record.resolve("kind.env"))).contains("DOCKER_HOST=unix:///run/test/docker.sock");
        assertThat(temp).isEmptyDirectory();
    }

    @Test
    void standInK3dImportsTheArchiveIntoTheClusterNamedByTheContext() throws Exception {
        StandInTools.install(bin, record, "k3d", 0);

        load(ociStoreWithImage(), target("k3d", "k3d-mycluster"));

        List<String> args = StandInTools.args(record, "k3d");
        assertThat(args.subList(0, 4)).containsExactly("image", "import", "-c", "mycluster");
        assertThat(args.get(4)).endsWith("/image.tar");
        assertThat(Files.readString(record.resolve("k3d.index")))
                .contains("docker.io/library/hello:tilt-0123456789abcdef");
    }

    @Test
    void standInMinikubeLoadsIntoTheProfileNamedByTheContext() throws Exception {
        StandInTools.install(bin, record, "minikube", 0);

        load(ociStoreWithImage(), target("minikube", "dev-profile"));

        List<String> args = StandInTools.args(record, "minikube");
        assertThat(args.subList(0, 4)).containsExactly("image", "load", "-p", "dev-profile");
        assertThat(args.get(4)).endsWith("/image.tar");
    }

    @Test
    void aFailingStandInKindFailsTheLoadNamingTheClusterAndTheToolsWords() throws Exception {
        StandInTools.install(bin, record, "kind", 1, "ERROR: no nodes found for cluster \"dev\"");
        OciLayoutStore store = ociStoreWithImage();

        assertThatThrownBy(() -> load(store, target("kind", "kind-dev")))
                .isInstanceOfSatisfying(ClusterLoadException.class, e -> {
                    assertThat(e.cluster()).isEqualTo("kind-dev");
                    assertThat(e.product()).isEqualTo("kind");
                    assertThat(e.toolOutput()).containsExactly("ERROR: no nodes found for cluster \"dev\"");
                })
                .hasMessageStartingWith("cannot load hello:tilt-0123456789abcdef into kind-dev (kind): kind load"
                        + " image-archive ")
                .hasMessageEndingWith(" --name dev failed: exit status 1: ERROR: no nodes found for cluster \"dev\"");
        assertThat(temp).isEmptyDirectory();
    }

    @Test
    void aMissingToolIsAClearError() throws Exception {
        OciLayoutStore store = ociStoreWithImage();

        assertThatThrownBy(() -> load(store, target("k3d", "k3d-dev")))
                .isInstanceOf(ClusterLoadException.class)
                .hasMessageStartingWith("cannot load hello:tilt-0123456789abcdef into k3d-dev (k3d): k3d could not"
                        + " start (is it installed and on the PATH?): ");
    }

    @Test
    void aMissingImageIsAClearErrorAndNoToolRuns() throws Exception {
        StandInTools.install(bin, record, "kind", 0);
        OciLayoutStore store = new OciLayoutStore(dir.resolve("empty"));

        assertThatThrownBy(() -> loader(store).load(ImageRef.parse("nothing:here"), target("kind", "kind-dev"),
                progress::add, new Cancellation()))
                .isInstanceOf(ClusterLoadException.class)
                .hasMessageStartingWith("cannot load nothing:here into kind-dev (kind): cannot export nothing:here from"
                        + " OCI image layout");
        assertThat(record.resolve("kind.args")).doesNotExist();
        assertThat(temp).isEmptyDirectory();
    }

    @Test
    void aCancelledLoadKillsTheStandInAndLeavesNothing() throws Exception {
        Files.writeString(bin.resolve("kind"), "#!/bin/sh\necho $$ > '" + record + "/kind.pid'\nexec sleep 300\n");
        Files.setPosixFilePermissions(bin.resolve("kind"), java.nio.file.attribute.PosixFilePermissions
                .fromString("rwxr-xr-x"));
        OciLayoutStore store = ociStoreWithImage();
        Cancellation cancellation = new Cancellation();
        Thread canceller = new Thread(() -> {
            try {
                for (int i = 0; i < 300 && !Files.exists(record.resolve("kind.pid")); i++) {
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                return;
            }
            cancellation.cancel();
        });
        canceller.start();

        assertThatThrownBy(() -> ClusterToolLoader.builder(store, runner)
                .environment(Map.of("PATH", bin + ":/usr/bin:/bin")).tempDirectory(temp)
                .killGrace(java.time.Duration.ofMillis(200)).build()
                .load(REF, target("kind", "kind-dev"), progress::add, cancellation))
                .isInstanceOf(ClusterLoadException.class)
                .hasMessage("cannot load hello:tilt-0123456789abcdef into kind-dev (kind): cancelled");
        canceller.join(10_000);
        long pid = Long.parseLong(Files.readString(record.resolve("kind.pid")).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left).isEmpty();
        }
    }
}
