package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.docker.DockerEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar against the real Docker engine and registry of {@code scripts/services.sh}: the hello-docker and
 * graph examples, auto choosing the engine, and a push to the cluster's registry read back over HTTP. With
 * {@code CI=true} these fail when the services cannot be reached; elsewhere they are skipped.
 */
class CliDockerIT {
    static final String DOCKER_HOST =
            TestServices.env("CMDIMAGE_TEST_DOCKER_HOST", "unix:///run/cmdimage-test/docker.sock");
    static final String REGISTRY = TestServices.REGISTRY;
    private static final HttpClient HTTP = TestServices.HTTP;

    @TempDir
    Path tmp;

    @BeforeEach
    void engineAnswers() {
        String down;
        try (DockerEngine engine = DockerEngine.builder().host(DOCKER_HOST).connectTimeout(Duration.ofSeconds(3))
                .requestTimeout(Duration.ofSeconds(5)).build()) {
            engine.apiVersion();
            down = null;
        } catch (Exception e) {
            down = e.getMessage();
        }
        TestServices.require(down == null, "the Docker engine at " + DOCKER_HOST + " does not answer: " + down);
    }

    private Map<String, String> engineEnv() {
        return Map.of("DOCKER_HOST", DOCKER_HOST);
    }

    private Path example(String name) throws IOException {
        Path from = JarProcess.REPO.resolve("examples").resolve(name);
        Path to = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to.resolve("cmdimage.yaml");
    }

    @Test
    void theHelloDockerExampleBuildsVerifiesAndRetagsToItsContent() throws Exception {
        Path file = example("hello-docker");

        JarProcess run = JarProcess.run(tmp, engineEnv(), null, "build", "--image-store", "docker", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        String ref = CliJarIT.cmdImage(run.out(), "hello-docker").status().ref();
        assertThat(ref).matches("hello-docker:tilt-[0-9a-f]{16}");
        assertThat(run.err()).contains("image store: Docker engine at " + DOCKER_HOST);
        String id = imageIdWithHost(ref);
        assertThat(id).startsWith("sha256:" + ref.substring(ref.indexOf(":tilt-") + ":tilt-".length()));
    }

    @Test
    void theReadmesFirstCommandAlsoWorksWhenAutoFindsADockerEngine() throws Exception {
        Path file = example("hello-oci");

        JarProcess run = JarProcess.run(tmp, engineEnv(), null, "build", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.err()).contains("image store: Docker engine at " + DOCKER_HOST);
        String ref = CliJarIT.cmdImage(run.out(), "hello-oci").status().ref();
        assertThat(ref).matches("hello-oci:tilt-[0-9a-f]{16}");
        assertThat(imageIdWithHost(ref)).startsWith("sha256:" + ref.substring(ref.indexOf(":tilt-") + 6));
    }

    /** The image ID the engine holds for {@code ref}, via the docker command line (an independent client). */
    private static String imageIdWithHost(String ref) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", ref)
                .redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", DOCKER_HOST);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as("docker image inspect " + ref + ": " + out).isEqualTo(0);
        return out;
    }

    @Test
    void autoChoosesTheEngineWhenItAnswers() throws IOException {
        Path file = example("hello-docker");

        JarProcess run = JarProcess.run(tmp, engineEnv(), null, "build", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.err()).contains("image store: Docker engine at " + DOCKER_HOST + " (auto: the engine answered)");
        assertThat(tmp.resolve(".cmdimage")).doesNotExist();
    }

    @Test
    void theGraphExampleBuildsTheAppFromTheBaseInTheEngine() throws Exception {
        Path file = example("graph");

        JarProcess run = JarProcess.run(tmp, engineEnv(), null, "build", "--image-store", "docker", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        String base = CliJarIT.cmdImage(run.out(), "graph-base").status().ref();
        String app = CliJarIT.cmdImage(run.out(), "graph-app").status().ref();
        assertThat(base).matches("graph-base:tilt-[0-9a-f]{16}");
        assertThat(app).matches("graph-app:tilt-[0-9a-f]{16}");
        assertThat(run.err()).contains(" on top of graph-base = " + base);
        assertThat(imageIdWithHost(app)).isNotEqualTo(imageIdWithHost(base));
    }

    @Test
    void aClusterWithARegistryGetsTheImagePushedAndTheRegistryHasTheTag() throws Exception {
        TestServices.requireRegistry();
        String name = "cli-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = example("hello-docker").getParent();
        Files.writeString(dir.resolve("push.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: Cluster
                metadata:
                  name: default
                status:
                  registry:
                    host: %s
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: pushed
                spec:
                  ref: %s
                  args: ["sh", "build.sh"]
                """.formatted(REGISTRY, name));

        JarProcess run = JarProcess.run(tmp, engineEnv(), null, "build", "--image-store", "docker",
                dir.resolve("push.yaml").toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        CmdImage pushed = CliJarIT.cmdImage(run.out(), "pushed");
        assertThat(pushed.status().ref()).matches(java.util.regex.Pattern.quote(REGISTRY + "/" + name) + ":tilt-[0-9a-f]{16}");
        String tag = pushed.status().ref().substring(pushed.status().ref().lastIndexOf(':') + 1);
        HttpResponse<String> tags = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://" + REGISTRY + "/v2/" + name + "/tags/list")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(tags.body()).contains("\"" + tag + "\"");
    }

}
