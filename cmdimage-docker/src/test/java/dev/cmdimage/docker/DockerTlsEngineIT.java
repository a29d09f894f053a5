package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real dockerd of scripts/services.d/tls.sh, listening on loopback TCP with --tlsverify (certificates from a
 * throwaway CA): reached through DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH and through a Docker context
 * with TLS material; an image built through it is verified, retagged and pushed (to the plain test registry) by the
 * engine. With CI=true the tests fail when the engine cannot be reached.
 */
class DockerTlsEngineIT {
    static final String TLS_HOST = env("CMDIMAGE_TEST_TLS_DOCKER_HOST", "tcp://127.0.0.1:2376");
    static final Path CERT_PATH = Path.of(env("CMDIMAGE_TEST_TLS_DOCKER_CERT_PATH",
            "/run/cmdimage-test/tls/docker-client"));

    @TempDir
    Path tmp;
    final List<Map.Entry<Map<String, String>, String>> built = new ArrayList<>();
    final List<DockerEngine> engines = new ArrayList<>();

    static String env(String key, String def) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? def : v;
    }

    static Map<String, String> tlsEnvironment() {
        return Map.of("DOCKER_HOST", TLS_HOST, "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", CERT_PATH.toString());
    }

    @BeforeEach
    void requireTlsEngine() throws Exception {
        boolean answers = Files.isRegularFile(CERT_PATH.resolve("key.pem"))
                && TestServices.run(tlsEnvironment(), tmp, "docker", "version", "--format", "{{.Server.APIVersion}}")
                .exit() == 0;
        if (!answers) {
            dev.cmdimage.testing.TestServices.unavailable("the TLS Docker engine at " + TLS_HOST + " does not answer");
        }
    }

    @AfterEach
    void removeImages() throws Exception {
        for (Map.Entry<Map<String, String>, String> b : built) {
            TestServices.run(b.getKey(), tmp, "docker", "image", "rm", "-f", b.getValue());
        }
        engines.forEach(DockerEngine::close);
    }

    DockerEngine engine(Map<String, String> env) {
        DockerEngine engine = DockerEngine.builder().environment(env).home(tmp.resolve("no-home")).build();
        engines.add(engine);
        return engine;
    }

    /** Builds through {@code engine}'s command environment, verifies, retags and pushes with the engine. */
    void verifyRetagAndPush(DockerEngine engine) throws Exception {
        TestServices.requireRegistry(TestServices.REGISTRY);
        String name = "cmdimage-it/tls-engine-" + UUID.randomUUID().toString().substring(0, 8);
        String built = TestServices.REGISTRY + "/" + name + ":tilt-build";
        Map<String, String> commandEnv = new HashMap<>(engine.commandEnvironment());
        commandEnv.put("HOME", tmp.resolve("no-home").toString());
        String id = TestServices.dockerBuild(commandEnv, TestServices.uniqueContext(tmp.resolve("ctx")), built);
        this.built.add(Map.entry(commandEnv, built));
        DockerImageStore store = new DockerImageStore(engine);

        assertThat(store.inspect(ImageRef.parse(built), null)).contains(id);
        ImageRef content = ImageRef.parse(TestServices.REGISTRY + "/" + name + ":tilt-" + id.substring(7, 23));
        store.tag(id, content);
        this.built.add(Map.entry(commandEnv, content.familiarString()));
        String digest = new DockerRegistryPusher(engine, CredentialsProvider.ANONYMOUS)
                .push(content, line -> {}, Cancellation.never());

        assertThat(store.inspect(content, null)).contains(id);
        HttpResponse<String> manifest = TestServices.registryGet(TestServices.REGISTRY,
                "/v2/" + name + "/manifests/" + content.tag(), TestServices.MANIFEST_TYPES, false);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest);
    }

    @Test
    void dockerHostWithTlsVerifyAndCertPathReachesTheTlsEngine() throws Exception {
        DockerEngine engine = engine(tlsEnvironment());

        assertThat(engine.tls()).isTrue();
        assertThat(engine.hostSource()).isEqualTo("DOCKER_HOST");
        assertThat(engine.apiVersion()).matches("1\\.[0-9]+");
        assertThat(engine.commandEnvironment()).containsEntry("DOCKER_TLS_VERIFY", "1")
                .containsEntry("DOCKER_CERT_PATH", CERT_PATH.toString());
        verifyRetagAndPush(engine);
    }

    @Test
    void aDockerContextWithTlsMaterialReachesTheTlsEngine() throws Exception {
        Path config = tmp.resolve("docker-config");
        String context = "tls-test";
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(context.getBytes(StandardCharsets.UTF_8)));
        Path meta = Files.createDirectories(config.resolve("contexts/meta").resolve(id));
        Files.writeString(meta.resolve("meta.json"), "{\"Name\":\"" + context + "\",\"Metadata\":{},"
                + "\"Endpoints\":{\"docker\":{\"Host\":\"" + TLS_HOST + "\",\"SkipTLSVerify\":false}}}");
        Path tls = Files.createDirectories(config.resolve("contexts/tls").resolve(id).resolve("docker"));
        for (String f : List.of("ca.pem", "cert.pem", "key.pem")) {
            Files.copy(CERT_PATH.resolve(f), tls.resolve(f));
        }
        Files.writeString(config.resolve("config.json"), "{\"currentContext\":\"" + context + "\"}");
        DockerEngine engine = engine(Map.of("DOCKER_CONFIG", config.toString()));

        assertThat(engine.host()).isEqualTo(TLS_HOST);
        assertThat(engine.tls()).isTrue();
        assertThat(engine.apiVersion()).matches("1\\.[0-9]+");
        // the docker CLI the command runs gets the same engine and TLS material, whatever context it would read
        assertThat(engine.commandEnvironment()).containsEntry("DOCKER_CERT_PATH", tls.toString());
        assertThat(TestServices.run(engine.commandEnvironment(), tmp, "docker", "version", "--format",
                "{{.Server.APIVersion}}").exit()).isZero();
        verifyRetagAndPush(engine);
    }

    @Test
    void withoutAClientCertificateTheTlsEngineRefusesAndTheMessageSaysWhy() throws Exception {
        Path onlyCa = Files.createDirectories(tmp.resolve("only-ca"));
        Files.copy(CERT_PATH.resolve("ca.pem"), onlyCa.resolve("ca.pem"));
        DockerEngine engine = engine(Map.of("DOCKER_HOST", TLS_HOST, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", onlyCa.toString()));

        assertThatThrownBy(engine::apiVersion)
                .isInstanceOf(ImageStoreException.class)
                .hasMessageContaining("TLS failed talking to the Docker engine at " + TLS_HOST + " (from DOCKER_HOST)")
                // the alert (bad_certificate), or with TLS 1.3 a connection closed after the handshake
                .hasMessageMatching("(?s).*(requires a client certificate and none was offered|closed the connection"
                        + " .* and no client certificate was offered).*")
                .hasMessageContaining("put cert.pem and key.pem in " + onlyCa);
    }

    @Test
    void anEngineCertificateFromAnotherCaIsRefusedAndTheMessageSaysWhy() throws Exception {
        Path otherCa = Files.createDirectories(tmp.resolve("other-ca"));
        Files.copy(CERT_PATH.resolve("cert.pem"), otherCa.resolve("cert.pem"));
        Files.copy(CERT_PATH.resolve("key.pem"), otherCa.resolve("key.pem"));
        // the client certificate itself as the only CA: it did not sign the engine's certificate
        Files.copy(CERT_PATH.resolve("cert.pem"), otherCa.resolve("ca.pem"));
        DockerEngine engine = engine(Map.of("DOCKER_HOST", TLS_HOST, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", otherCa.toString()));

        assertThatThrownBy(engine::apiVersion)
                .isInstanceOf(ImageStoreException.class)
                .hasMessageContaining("TLS failed talking to the Docker engine at " + TLS_HOST + " (from DOCKER_HOST)")
                .hasMessageContaining("signed by an untrusted issuer (trusted: " + otherCa.resolve("ca.pem") + ")");
    }
}
