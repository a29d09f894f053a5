package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.CmdImage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar with the dockerd of scripts/services.d/tls.sh, reached only over TCP with --tlsverify
 * (DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH): the command's docker build, the verify, the retag and the
 * push to the cluster's registry all go through that engine. With {@code CI=true} the test fails when the engine
 * cannot be reached.
 */
class CliTlsEngineIT {
    static final String TLS_HOST = TestServices.env("CMDIMAGE_TEST_TLS_DOCKER_HOST", "tcp://127.0.0.1:2376");
    static final String CERT_PATH = TestServices.env("CMDIMAGE_TEST_TLS_DOCKER_CERT_PATH",
            "/run/cmdimage-test/tls/docker-client");
    static final String REGISTRY = TestServices.REGISTRY;

    @TempDir
    Path tmp;
    String pushedRef;

    static Map<String, String> tlsEnvironment() {
        return Map.of("DOCKER_HOST", TLS_HOST, "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", CERT_PATH);
    }

    static int docker(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(tlsEnvironment());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @BeforeEach
    void tlsEngineAnswers() throws Exception {
        TestServices.require(Files.isRegularFile(Path.of(CERT_PATH, "key.pem"))
                && docker("docker", "version") == 0, "the TLS Docker engine at " + TLS_HOST + " does not answer");
        TestServices.requireRegistry();
    }

    @AfterEach
    void removeImages() throws Exception {
        if (pushedRef != null) {
            docker("docker", "image", "rm", "-f", pushedRef);
        }
    }

    @Test
    void buildVerifyRetagAndPushGoThroughTheTlsEngine() throws Exception {
        String name = "cli-tls-engine-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = JarProcess.REPO.resolve("examples/hello-docker");
        Files.writeString(tmp.resolve("push.yaml"), """
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
                  dir: %s
                  args: ["sh", "build.sh"]
                """.formatted(REGISTRY, name, dir));

        JarProcess run = JarProcess.run(tmp, tlsEnvironment(), null, "build", "--image-store", "docker",
                "push.yaml");

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.err()).contains("image store: Docker engine at " + TLS_HOST);
        CmdImage pushed = CliJarIT.cmdImage(run.out(), "pushed");
        pushedRef = pushed.status().ref();
        assertThat(pushedRef).matches(Pattern.quote(REGISTRY + "/" + name) + ":tilt-[0-9a-f]{16}");
        assertThat(docker("docker", "image", "inspect", pushedRef)).as("the TLS engine holds " + pushedRef)
                .isZero();
        String tag = pushedRef.substring(pushedRef.lastIndexOf(':') + 1);
        HttpResponse<String> manifest = TestServices.HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://" + REGISTRY + "/v2/" + name + "/manifests/" + tag))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json,"
                        + "application/vnd.oci.image.manifest.v1+json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
    }
}
