package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.testing.TestContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build -o yaml} with the README's k3s Cluster object (section "Clusters without a registry"), in process,
 * with the OCI layout store, against the REAL containerd of the test services ({@code CONTAINERD_ADDRESS} points
 * the loader at its socket instead of k3s's).
 */
class CliContainerdIT {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path tmp;
    final String name = "cmdimage-cli-load-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() {
        TestContainerd.require();
    }

    @AfterEach
    void tearDown() {
        TestContainerd.imageNames().stream().filter(n -> n.contains(name)).forEach(TestContainerd::remove);
    }

    @Test
    void theReadmesK3sClusterGetsTheImageImportedUnderItsNormalizedName() throws Exception {
        String readme = Files.readString(REPO.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Clusters without a registry\n"));
        int second = section.indexOf("```yaml\n", section.indexOf("```yaml\n") + 1) + "```yaml\n".length();
        String k3s = section.substring(second, section.indexOf("```", second));
        assertThat(k3s).contains("product: k3s");
        Path file = tmp.resolve("cmdimage.yaml");
        Files.writeString(file, k3s + """
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: app
                spec:
                  ref: %s
                  args: ["sh", "%s"]
                """.formatted(name, REPO.resolve("examples/hello-oci/build.sh")));

        CliRun run = CliRun.run(tmp, Map.of("CONTAINERD_ADDRESS", TestContainerd.ADDRESS), null,
                "build", "--image-store", "oci:layout", "-o", "yaml", file.toString());

        assertThat(run.exit).as(run.toString()).isZero();
        String ref = run.cmdImage("app").status().ref();
        assertThat(ref).matches(name + ":tilt-[0-9a-f]{16}");
        assertThat(run.imageMap("app").status().image()).isEqualTo(ref);
        assertThat(run.linesOf("app")).contains("loaded into default (k3s) as docker.io/library/" + ref);
        assertThat(TestContainerd.imageNames()).contains("docker.io/library/" + ref);
        assertThat(TestContainerd.ctr("images", "check", "name==docker.io/library/" + ref)).contains("complete");
    }
}
