package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.core.OciLayoutStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs examples/hello-oci/build.sh as cmdimage would, then verifies its output with the store (and peers). */
class HelloOciExampleTest {
    static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/hello-oci");

    @TempDir
    Path dir;

    static String run(Path layout, String ref, Map<String, String> extraEnv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "build.sh").directory(EXAMPLE.toFile()).redirectErrorStream(true);
        pb.environment().put("EXPECTED_OCI_LAYOUT", layout.toString());
        pb.environment().put("EXPECTED_REF", ref);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theScriptWritesAnImageTheStoreFindsAndVerifies() throws Exception {
        OciLayoutStore store = new OciLayoutStore(dir.resolve("layout"), "amd64");
        Path layout = Path.of(store.commandEnvironment().get("EXPECTED_OCI_LAYOUT"));

        String out = run(layout, "hello-oci:tilt-build-1", Map.of("EXPECTED_ARCH", "amd64"));

        String id = store.inspect(ImageRef.parse("hello-oci:tilt-build-1"), "amd64").orElseThrow();
        assertThat(out).contains("image ID " + id);
        store.tag(id, ImageRef.parse("hello-oci:tilt-" + id.substring(7, 23)));
        assertThat(store.inspect(ImageRef.parse("hello-oci:tilt-" + id.substring(7, 23)), null)).contains(id);
    }

    @Test
    void twoBuildsAreReproducibleAndMergeIntoAnExistingIndex() throws Exception {
        TestLayout existing = new TestLayout(dir.resolve("layout"));
        existing.entry(existing.image("amd64").descriptor(), "other:v1");
        // a pretty-printed index, as some tools write it
        Path index = existing.root.resolve("index.json");
        Files.writeString(index, TestLayout.JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(TestLayout.JSON.readTree(index.toFile())));
        OciLayoutStore store = new OciLayoutStore(existing.root, "amd64");

        run(existing.root, "example.com/hello-oci:tilt-build-1", Map.of());
        run(existing.root, "example.com/hello-oci:tilt-build-2", Map.of());

        String first = store.inspect(ImageRef.parse("example.com/hello-oci:tilt-build-1"), null).orElseThrow();
        String second = store.inspect(ImageRef.parse("example.com/hello-oci:tilt-build-2"), null).orElseThrow();
        assertThat(second).isEqualTo(first);
        assertThat(store.inspect(ImageRef.parse("other:v1"), null)).isPresent();
        assertThat(refNames(existing.root)).containsExactlyInAnyOrder("other:v1",
                "example.com/hello-oci:tilt-build-1", "example.com/hello-oci:tilt-build-2");
    }

    @Test
    void withoutTheStoresEnvironmentTheScriptSaysWhatIsMissing() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "build.sh").directory(EXAMPLE.toFile()).redirectErrorStream(true);
        pb.environment().put("EXPECTED_REF", "example.com/hello-oci:tilt-build-1");
        pb.environment().remove("EXPECTED_OCI_LAYOUT");
        pb.environment().remove("DOCKER_HOST"); // with it, the script builds through the Docker engine instead
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(out).contains("neither EXPECTED_OCI_LAYOUT nor DOCKER_HOST is set");
    }

    @Test
    void peerToolsReadTheImageTheStoreVerified() throws Exception {
        assumeTrue(onPath("skopeo") || onPath("umoci"), "neither skopeo nor umoci is installed");
        OciLayoutStore store = new OciLayoutStore(dir.resolve("layout"), "amd64");
        Path layout = Path.of(store.commandEnvironment().get("EXPECTED_OCI_LAYOUT"));
        run(layout, "hello-oci:tilt-build-1", Map.of("EXPECTED_ARCH", "amd64"));
        String id = store.inspect(ImageRef.parse("hello-oci:tilt-build-1"), null).orElseThrow();
        store.tag(id, ImageRef.parse("hello-oci:tilt-content"));

        if (onPath("skopeo")) {
            JsonNode cfg = TestLayout.JSON.readTree(exec("skopeo", "inspect", "--config",
                    "oci:" + layout + ":hello-oci:tilt-content"));
            assertThat(cfg.path("architecture").asText()).isEqualTo("amd64");
            String raw = exec("skopeo", "inspect", "--raw", "oci:" + layout + ":hello-oci:tilt-content");
            assertThat(TestLayout.JSON.readTree(raw).path("config").path("digest").asText()).isEqualTo(id);
        }
        if (onPath("umoci")) {
            assertThat(exec("umoci", "stat", "--image", layout + ":hello-oci:tilt-content"))
                    .contains("examples/hello-oci/build.sh");
        }
    }

    static List<String> refNames(Path layout) throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonNode m : TestLayout.JSON.readTree(layout.resolve("index.json").toFile()).get("manifests")) {
            names.add(m.path("annotations").path("org.opencontainers.image.ref.name").asText());
        }
        return names;
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    static String exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
